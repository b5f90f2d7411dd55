"""Reference values for tests/Overfit.Tests/Tensors (PyTorch 1.13, Float64).

Run: /usr/bin/python3 tests/reference/tensor_reference.py
Prints C#-ready constants; the tests paste them with a comment naming this script.
"""
import torch

torch.set_printoptions(precision=17)
d = torch.float64


def show(name, t):
    vals = ", ".join(repr(float(v)) for v in t.reshape(-1).tolist())
    print(f"{name} = [{vals}]")


x = torch.tensor([-3.0, -1.5, -0.5, 0.0, 0.25, 1.0, 2.5, 40.0], dtype=d, requires_grad=True)
y = torch.nn.functional.gelu(x)
show("gelu", y)
(g,) = torch.autograd.grad(y.sum(), x)
show("gelu_grad", g)

xs = torch.tensor([-50.0, -3.0, -0.5, 0.0, 0.5, 3.0, 25.0, 800.0], dtype=d)
show("softplus", torch.nn.functional.softplus(xs))
show("elu", torch.nn.functional.elu(xs))
show("silu", torch.nn.functional.silu(xs))

p = torch.tensor([0.0, 1e-50, 0.3, 0.9, 1.0], dtype=d, requires_grad=True)
t = torch.tensor([1.0, 1.0, 0.0, 1.0, 0.0], dtype=d)
bce = torch.nn.functional.binary_cross_entropy(p, t, reduction="none")
show("bce_none", bce)
(gp,) = torch.autograd.grad(bce.sum(), p)
show("bce_grad", gp)

logits = torch.tensor([[1.0, 2.0, 0.5, -1.0], [0.0, 0.0, 3.0, 1.0], [-2.0, 1.5, 1.0, 0.25]], dtype=d, requires_grad=True)
targets = torch.tensor([1, 2, 0])
for eps in (0.0, 0.1):
    for red in ("mean", "sum", "none"):
        ce = torch.nn.functional.cross_entropy(logits, targets, reduction=red, label_smoothing=eps)
        show(f"ce_{red}_eps{eps}", ce)
ce = torch.nn.functional.cross_entropy(logits, targets, label_smoothing=0.1)
(gl,) = torch.autograd.grad(ce, logits)
show("ce_mean_eps0.1_grad", gl)

v = torch.tensor([[1.0, 4.0, 2.0], [8.0, -1.0, 0.5]], dtype=d)
show("var_all_unbiased", v.var())
show("var_all_biased", v.var(unbiased=False))
show("var_dim1_unbiased", v.var(dim=1))
show("var_dim0_biased", v.var(dim=0, unbiased=False))
show("std_dim1_unbiased", v.std(dim=1))

nanrows = torch.tensor([[1.0, float("nan"), 3.0, float("nan")], [2.0, 5.0, 5.0, -1.0]], dtype=d)
mv, mi = nanrows.max(dim=1)
show("max_nan_values", mv)
show("max_nan_indices", mi.to(d))
nv, ni = nanrows.min(dim=1)
show("min_nan_values", nv)
show("min_nan_indices", ni.to(d))
show("max_nan_all", nanrows.max())
show("argmax_nan", nanrows.argmax(dim=1).to(d))

inf_rows = torch.tensor([[float("-inf"), float("-inf")], [float("inf"), 1.0], [0.0, float("-inf")]], dtype=d)
show("logsumexp_inf", torch.logsumexp(inf_rows, dim=1))
show("softmax_inf", torch.softmax(inf_rows, dim=1))
show("sign_nan", torch.sign(torch.tensor([float("nan"), -2.0, 0.0, 3.0], dtype=d)))
show("pow_neg_base", torch.pow(torch.tensor([-2.0, -8.0], dtype=d), torch.tensor([3.0, 1.0 / 3.0], dtype=d)))
