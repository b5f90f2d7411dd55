"""Safetensors interop using only json and struct (no torch, no safetensors package).
Write the fixture:  /usr/bin/python3 tests/reference/nn_safetensors.py write tests/fixtures/nn/python_written.safetensors
Check a file Overfit wrote (prints every tensor and the metadata, exits 1 if malformed):
                    /usr/bin/python3 tests/reference/nn_safetensors.py check model.safetensors"""
import json, struct, sys

def write(path):
    tensors = {
        "layers.0.weight": ("F32", [2, 3], [0.5, -1.25, 2.0, 3.5, -0.125, 1e-3]),
        "layers.0.bias": ("F32", [2], [0.25, -0.75]),
        "layers.2.weight": ("F64", [1, 2], [1.0 / 3.0, -2.5e10]),
        "num_batches_tracked": ("I64", [], [7]),
    }
    fmt = {"F32": "f", "F64": "d", "I64": "q"}
    header, data = {"__metadata__": {"model": "python-fixture", "hidden": "2"}}, b""
    for name, (dtype, shape, values) in tensors.items():
        blob = struct.pack("<%d%s" % (len(values), fmt[dtype]), *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)

def check(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    print("metadata", json.dumps(header.pop("__metadata__", {}), sort_keys=True))
    fmt = {"F32": ("f", 4), "F64": ("d", 8), "I64": ("q", 8)}
    for name, info in header.items():
        code, size = fmt[info["dtype"]]
        begin, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        assert end - begin == count * size, name
        values = struct.unpack("<%d%s" % (count, code), raw[base + begin:base + end])
        print(name, info["dtype"], info["shape"], [round(v, 6) for v in values[:6]])

{"write": write, "check": check}[sys.argv[1]](sys.argv[2])
