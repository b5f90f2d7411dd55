"""Cut the Fashion-MNIST fixture subset used by the tests.

Reads Debian's dataset-fashion-mnist files (/usr/share/datasets/fashion-mnist), verifies the md5 of
the decompressed content, keeps the first 2,000 training and the first 500 test records (the files'
own order) and writes them as gzip-compressed IDX under tests/fixtures/fashion-mnist/ with the
upstream file names. gzip mtime is fixed to 0 so that re-running gives byte-identical files.

    /usr/bin/python3 tests/reference/data_cut_fixture.py
"""
import gzip
import hashlib
import os
import struct

SOURCE = "/usr/share/datasets/fashion-mnist"
TARGET = os.path.join(os.path.dirname(__file__), "..", "fixtures", "fashion-mnist")
DECOMPRESSED_MD5 = {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}
KEEP = {"train": 2000, "t10k": 500}


def cut(name, keep):
    with gzip.open(os.path.join(SOURCE, name + ".gz"), "rb") as f:
        data = f.read()
    assert hashlib.md5(data).hexdigest() == DECOMPRESSED_MD5[name], name
    magic, count = struct.unpack(">ii", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">ii", data[8:16])
        header = struct.pack(">iiii", magic, keep, rows, cols)
        body = data[16:16 + keep * rows * cols]
    else:
        assert magic == 2049
        header = struct.pack(">ii", magic, keep)
        body = data[8:8 + keep]
    out = header + body
    os.makedirs(TARGET, exist_ok=True)
    path = os.path.join(TARGET, name + ".gz")
    with open(path + ".tmp", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(out)
    os.replace(path + ".tmp", path)
    print(name, keep, "records, md5 of decompressed content", hashlib.md5(out).hexdigest(),
          "md5 of .gz", hashlib.md5(open(path, "rb").read()).hexdigest())


for name in DECOMPRESSED_MD5:
    cut(name, KEEP[name.split("-")[0]])
