"""Reference values for the normalization layers (PyTorch 1.13, Debian python3-torch), float64.
Same formula inputs as nn_layers.py: x[k] = 2 sin(0.7k + 0.3), output weights c[k] = cos(0.37k);
affine parameters gamma[c] = 1 + 0.1 c, beta[c] = 0.05 c. Prints (output, input grad) pairs and
(running_mean, running_var) pairs. Run: /usr/bin/python3 tests/reference/nn_norm.py"""
import math, torch, torch.nn as nn
torch.set_default_dtype(torch.float64)

def inp(*shape):
    n = math.prod(shape)
    return torch.tensor([math.sin(0.7 * k + 0.3) * 2 for k in range(n)]).reshape(shape).requires_grad_(True)

def cw(shape):
    n = math.prod(shape)
    return torch.tensor([math.cos(0.37 * k) for k in range(n)]).reshape(shape)

def arr(t):
    return 'new double[] { ' + ', '.join(repr(v) for v in t.detach().reshape(-1).tolist()) + ' }'

def affine(m, c):
    if getattr(m, 'weight', None) is not None:
        with torch.no_grad():
            m.weight.copy_(torch.tensor([1 + 0.1 * i for i in range(c)]).reshape(m.weight.shape) if m.weight.dim() == 1
                           else torch.tensor([1 + 0.1 * i for i in range(m.weight.numel())]).reshape(m.weight.shape))
            m.bias.copy_(torch.tensor([0.05 * i for i in range(m.bias.numel())]).reshape(m.bias.shape))
    return m

def show(name, m, shape, transform=lambda x: x):
    x = inp(*shape)
    y = m(transform(x))
    (y * cw(y.shape)).sum().backward()
    print(f'["{name}"] = ({arr(y)}, {arr(x.grad)}),')
    if getattr(m, 'weight', None) is not None and m.weight.grad is not None:
        print(f'["{name}.params"] = ({arr(m.weight.grad)}, {arr(m.bias.grad)}),')

def stats(name, m):
    print(f'["{name}.running"] = ({arr(m.running_mean)}, {arr(m.running_var)}),')

bn = affine(nn.BatchNorm1d(3), 3); show("bn1d_2d", bn, (4, 3)); show("bn1d_2d_second", bn, (4, 3), lambda x: x * 0.5 + 1); stats("bn1d_2d", bn)
bn.eval(); show("bn1d_2d_eval", bn, (4, 3))
bn = affine(nn.BatchNorm1d(3), 3); show("bn1d_3d", bn, (4, 3, 5)); stats("bn1d_3d", bn)
bn = affine(nn.BatchNorm2d(3, momentum=0.3), 3); show("bn2d", bn, (2, 3, 2, 3)); stats("bn2d", bn)
bn.eval(); show("bn2d_eval", bn, (2, 3, 2, 3))
bn = nn.BatchNorm1d(3, momentum=None, affine=False)
for f in [lambda x: x, lambda x: 2 * x - 1, lambda x: x * x]:
    bn(f(inp(5, 3)))
stats("bn_cumulative", bn)
bn = nn.BatchNorm1d(3, track_running_stats=False); bn.eval(); show("bn_untracked_eval", bn, (4, 3))
show("layernorm_last", affine(nn.LayerNorm(5), 5), (2, 3, 5))
show("layernorm_two", affine(nn.LayerNorm([3, 5]), 15), (2, 3, 5))
show("instancenorm1d", nn.InstanceNorm1d(3), (2, 3, 5))
show("instancenorm2d_affine", affine(nn.InstanceNorm2d(3, affine=True), 3), (2, 3, 2, 3))
show("groupnorm", affine(nn.GroupNorm(2, 4), 4), (2, 4, 3))
m = nn.InstanceNorm1d(3, track_running_stats=True, momentum=0.2); m(inp(2, 3, 5)); stats("instancenorm1d_tracked", m)
m.eval(); show("instancenorm1d_tracked_eval", m, (2, 3, 5))
