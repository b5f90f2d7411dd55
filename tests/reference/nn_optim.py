"""Reference trajectories for tests/Overfit.Tests/Optim (PyTorch 1.13, Debian python3-torch).
Problem: w0 = [0.5, -1.2, 0.3], b0 = [0.1], loss = sum((A @ w + b0 - y)^2) in float64; 5 steps each.
Run: /usr/bin/python3 tests/reference/nn_optim.py"""
import torch

A = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.3, 2.0]], dtype=torch.float64)
y = torch.tensor([1.0, -2.0], dtype=torch.float64)

def run(name, make):
    w = torch.tensor([0.5, -1.2, 0.3], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.1], dtype=torch.float64, requires_grad=True)
    opt = make([w, b])
    rows = []
    for _ in range(5):
        opt.zero_grad()
        loss = ((A @ w + b - y) ** 2).sum()
        loss.backward()
        opt.step()
        rows.append(w.tolist() + b.tolist())
    print(f'["{name}"] = new double[,] {{')
    for r in rows:
        print('    { ' + ', '.join(repr(v) for v in r) + ' },')
    print('},')

O = torch.optim
run("sgd", lambda p: O.SGD(p, lr=0.01))
run("sgd_momentum", lambda p: O.SGD(p, lr=0.01, momentum=0.9, dampening=0.1, weight_decay=0.05))
run("sgd_nesterov", lambda p: O.SGD(p, lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.05))
run("adam", lambda p: O.Adam(p, lr=0.1, weight_decay=0.05))
run("adam_amsgrad", lambda p: O.Adam(p, lr=0.1, amsgrad=True))
run("adamw", lambda p: O.AdamW(p, lr=0.1, weight_decay=0.1))
run("rmsprop", lambda p: O.RMSprop(p, lr=0.01, weight_decay=0.05))
run("rmsprop_centered_momentum", lambda p: O.RMSprop(p, lr=0.01, momentum=0.9, centered=True))
run("adagrad", lambda p: O.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1))

def sched(name, make_sched, steps=8, metrics=None):
    w = torch.zeros(1, requires_grad=True)
    opt = O.SGD([w], lr=0.1)
    s = make_sched(opt)
    lrs = [opt.param_groups[0]['lr']]
    for i in range(steps):
        opt.step()
        if metrics is None: s.step()
        else: s.step(metrics[i])
        lrs.append(opt.param_groups[0]['lr'])
    print(f'["{name}"] = new double[] {{ ' + ', '.join(repr(v) for v in lrs) + ' },')

sched("step", lambda o: O.lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
sched("cosine", lambda o: O.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01), steps=5)
sched("linear_warmup", lambda o: O.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4))
sched("plateau", lambda o: O.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=2),
      metrics=[1.0, 0.9, 0.95, 0.92, 0.91, 0.91, 0.85, 0.86, 0.87, 0.88], steps=10)

# clip_grad_norm_
w = torch.tensor([3.0, -4.0], dtype=torch.float64, requires_grad=True)
v = torch.tensor([12.0], dtype=torch.float64, requires_grad=True)
(w.sum() * 0 + (w * torch.tensor([3.0, -4.0], dtype=torch.float64)).sum() + 12.0 * v.sum()).backward()
n = torch.nn.utils.clip_grad_norm_([w, v], max_norm=1.0)
print('clip norm', repr(n.item()), w.grad.tolist(), v.grad.tolist())
