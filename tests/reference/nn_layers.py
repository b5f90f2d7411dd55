"""Reference values for tests/Overfit.Tests/NN (PyTorch 1.13, Debian python3-torch), float64.
Inputs are formulas both sides compute: x[k] = sin(0.7 k + 0.3) * 2 over the flattened index k,
weights of the output sum c[k] = cos(0.37 k); we print y = f(x) and d(sum(c*y))/dx (and params).
Run: /usr/bin/python3 tests/reference/nn_layers.py"""
import math, torch, torch.nn as nn, torch.nn.functional as F
torch.set_default_dtype(torch.float64)

def inp(*shape):
    n = math.prod(shape)
    return torch.tensor([math.sin(0.7 * k + 0.3) * 2 for k in range(n)]).reshape(shape).requires_grad_(True)

def cw(shape):
    n = math.prod(shape)
    return torch.tensor([math.cos(0.37 * k) for k in range(n)]).reshape(shape)

def arr(t):
    return 'new double[] { ' + ', '.join(repr(v) for v in t.detach().reshape(-1).tolist()) + ' }'

def show(name, f, shape, params=()):
    x = inp(*shape)
    y = f(x)
    (y * cw(y.shape)).sum().backward()
    print(f'["{name}"] = ({arr(y)}, {arr(x.grad)}),')
    for pn, p in params:
        print(f'    // {name}.{pn}.grad = {arr(p.grad)}')

# Linear with weights from formulas: W[o,i] = 0.1*(o+1) - 0.05*i, b[o] = 0.2 - 0.1*o
lin = nn.Linear(4, 3)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[0.1 * (o + 1) - 0.05 * i for i in range(4)] for o in range(3)]))
    lin.bias.copy_(torch.tensor([0.2 - 0.1 * o for o in range(3)]))
show("linear", lin, (2, 4), [("weight", lin.weight), ("bias", lin.bias)])
for name, m in [("relu", nn.ReLU()), ("leaky_relu", nn.LeakyReLU(0.1)), ("tanh", nn.Tanh()), ("sigmoid", nn.Sigmoid()),
                ("gelu", nn.GELU()), ("elu", nn.ELU(0.7)), ("silu", nn.SiLU()), ("softplus", nn.Softplus())]:
    show(name, m, (2, 5))
d = nn.Dropout(0.5); d.eval()
show("dropout_eval", d, (2, 5))

# Losses on logits x [3,4] and targets
def loss_show(name, f):
    x = inp(3, 4)
    l = f(x)
    l.backward()
    print(f'["{name}"] = ({arr(l)}, {arr(x.grad)}),')
t = torch.tensor([2, 0, 3])
loss_show("ce_mean", lambda x: F.cross_entropy(x, t))
loss_show("ce_sum_smooth", lambda x: F.cross_entropy(x, t, reduction='sum', label_smoothing=0.2))
loss_show("nll_mean", lambda x: F.nll_loss(F.log_softmax(x, 1), t))
tt = torch.tensor([[0.0, 1, 1, 0], [1, 0, 0, 1], [0.5, 0.2, 1, 0]])
loss_show("mse_mean", lambda x: F.mse_loss(x, tt))
loss_show("mse_sum", lambda x: F.mse_loss(x, tt, reduction='sum'))
loss_show("bce_mean", lambda x: F.binary_cross_entropy(torch.sigmoid(x), tt))
loss_show("bce_logits_sum", lambda x: F.binary_cross_entropy_with_logits(x, tt, reduction='sum'))
loss_show("mse_none_weighted", lambda x: (F.mse_loss(x, tt, reduction='none') * cw((3, 4))).sum())
