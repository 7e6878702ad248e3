#!/usr/bin/env python3
"""Who holds a heap's bytes: reads an HPROF heap dump (`jcmd PID GC.heap_dump FILE`, live objects only) and sums every
array's size by the chain of classes that refer to it, up to DEPTH referrers (the first referrer found of each object).

  bench/hprof_owners.py DUMP [--depth 4] [--top 40] [--class '[B']

`jcmd GC.class_histogram` says that a controller holds 16 MiB of byte[]; this says whose they are (a String of a
plan's test, a MINA session's buffer, an exec channel's command). Why not a heap analyser (Eclipse MAT, VisualVM):
none is packaged here, and this question needs only the referrer chains, which one pass over the dump gives.
"""
import argparse, collections, struct, sys

SIZES = {2: None, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
PRIM_NAMES = {4: '[Z', 5: '[C', 6: '[F', 7: '[D', 8: '[B', 9: '[S', 10: '[I', 11: '[J'}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dump')
    ap.add_argument('--depth', type=int, default=4)
    ap.add_argument('--top', type=int, default=40)
    ap.add_argument('--class', dest='cls', default='[B', help='the arrays to account for (a JVM name: [B, [C, [I, ...)')
    a = ap.parse_args()
    data = open(a.dump, 'rb').read()
    nul = data.index(b'\0')
    idsize = struct.unpack_from('>I', data, nul + 1)[0]
    idfmt = '>I' if idsize == 4 else '>Q'
    pos = nul + 1 + 4 + 8
    strings, class_names = {}, {}
    fields = {}  # class id -> (super id, [field types])
    kind = {}  # object id -> class name
    size = {}  # array id -> bytes
    parent = {}  # object id -> first referrer id
    instances = []  # (id, class id, offset, length) parsed after all classes are known

    def rid(off):
        return struct.unpack_from(idfmt, data, off)[0]

    while pos < len(data):
        tag = data[pos]
        length = struct.unpack_from('>I', data, pos + 5)[0]
        body = pos + 9
        end = body + length
        if tag == 0x01:
            strings[rid(body)] = data[body + idsize:end].decode('utf-8', 'replace')
        elif tag == 0x02:
            class_names[rid(body + 4)] = rid(body + 8 + idsize)
        elif tag in (0x0C, 0x1C):
            p = body
            while p < end:
                sub = data[p]
                p += 1
                if sub == 0xFF or sub == 0x05 or sub == 0x07:
                    p += idsize
                elif sub == 0x01:
                    p += 2 * idsize
                elif sub in (0x02, 0x03, 0x08):
                    p += idsize + 8
                elif sub in (0x04, 0x06):
                    p += idsize + 4
                elif sub == 0x20:
                    cid = rid(p)
                    sup = rid(p + 4 + idsize)
                    p += 7 * idsize + 4 + 4
                    n = struct.unpack_from('>H', data, p)[0]
                    p += 2
                    for _ in range(n):  # the constant pool: index, type, value
                        t = data[p + 2]
                        p += 3 + (idsize if t == 2 else SIZES[t])
                    n = struct.unpack_from('>H', data, p)[0]
                    p += 2
                    for _ in range(n):  # statics: name, type, value
                        t = data[p + idsize]
                        p += idsize + 1 + (idsize if t == 2 else SIZES[t])
                    n = struct.unpack_from('>H', data, p)[0]
                    p += 2
                    types = []
                    for _ in range(n):
                        types.append(data[p + idsize])
                        p += idsize + 1
                    fields[cid] = (sup, types)
                elif sub == 0x21:
                    oid = rid(p)
                    cid = rid(p + 4 + idsize)
                    n = struct.unpack_from('>I', data, p + 4 + 2 * idsize)[0]
                    start = p + 8 + 2 * idsize
                    instances.append((oid, cid, start))
                    p = start + n
                elif sub == 0x22:
                    oid = rid(p)
                    n = struct.unpack_from('>I', data, p + 4 + idsize)[0]
                    ecid = rid(p + 8 + idsize)
                    kind[oid] = strings.get(class_names.get(ecid), '?')
                    size[oid] = 16 + n * idsize
                    q = p + 8 + 2 * idsize
                    for i in range(n):
                        ref = rid(q + i * idsize)
                        if ref and ref not in parent:
                            parent[ref] = oid
                    p = q + n * idsize
                elif sub == 0x23:
                    oid = rid(p)
                    n = struct.unpack_from('>I', data, p + 4 + idsize)[0]
                    t = data[p + 8 + idsize]
                    kind[oid] = PRIM_NAMES[t]
                    size[oid] = 16 + n * SIZES[t]
                    p += 9 + idsize + n * SIZES[t]
                else:
                    sys.exit(f'unknown heap record {sub:#x} at {p - 1}')
        pos = end

    layout = {}

    def types_of(cid):
        if cid not in layout:
            sup, own = fields.get(cid, (0, []))
            layout[cid] = own + (types_of(sup) if sup else [])
        return layout[cid]

    for oid, cid, start in instances:
        kind[oid] = strings.get(class_names.get(cid), '?')
        q = start
        for t in types_of(cid):
            if t == 2:
                ref = rid(q)
                if ref and ref not in parent:
                    parent[ref] = oid
                q += idsize
            else:
                q += SIZES[t]

    by_chain = collections.Counter()
    count = collections.Counter()
    total = 0
    for oid, k in kind.items():
        if k != a.cls:
            continue
        total += size[oid]
        chain, o = [], oid
        for _ in range(a.depth):
            o = parent.get(o)
            if o is None:
                chain.append('(root)')
                break
            chain.append(kind.get(o, '?').split('.')[-1])
        key = ' <- '.join(chain)
        by_chain[key] += size[oid]
        count[key] += 1
    print(f'{a.cls}: {total / 1048576:.1f} MiB in {sum(count.values())} arrays')
    for key, b in by_chain.most_common(a.top):
        print(f'{b / 1048576:8.2f} MiB {count[key]:7d}  {key}')


if __name__ == '__main__':
    main()
