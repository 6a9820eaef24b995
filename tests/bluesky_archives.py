"""Plain helper functions that build Bluesky repository exports (CAR files) for tests.

A repository is built as a PDS writes it: each record a DAG-CBOR block named by its CID
(CIDv1, dag-cbor, SHA-256), the records' keys in a Merkle search tree laid out by the spec's
key-depth rule (leading zero bits of the key's SHA-256, two bits a layer), a commit naming the
tree's root, and a CARv1 file whose root is the commit.
"""

import datetime
import hashlib

import libipld

DID = "did:plc:000000000000000000000002"
OTHER_DID = "did:plc:000000000000000000000009"
START = datetime.datetime(2024, 3, 4, 7, 0, tzinfo=datetime.UTC)
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
DAG_CBOR = 0x71


# Blocks and CIDs ------------------------------------------------------------------------------


def cid_of(data, codec=DAG_CBOR):
    """The CIDv1 (bytes) of ``data``: version 1, ``codec``, a SHA-256 multihash."""
    return bytes([1, codec, 0x12, 32]) + hashlib.sha256(data).digest()


def encoded(value):
    """``value`` as DAG-CBOR; bytes that are a CID become a link (libipld's rule)."""
    return libipld.encode_dag_cbor(value)


def block(value):
    """``(CID, bytes)`` of ``value`` encoded."""
    data = value if isinstance(value, bytes) else encoded(value)
    return cid_of(data), data


def varint(number):
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def car_section(cid, data):
    return varint(len(cid) + len(data)) + cid + data


def car_bytes(roots, blocks, version=1):
    """A CAR file: its header naming ``roots``, then ``blocks`` (``(CID, bytes)`` pairs)."""
    header = encoded({"version": version, "roots": list(roots)})
    return varint(len(header)) + header + b"".join(car_section(c, d) for c, d in blocks)


# The Merkle search tree -----------------------------------------------------------------------


def key_depth(key):
    """The layer of ``key`` in the tree: leading zero bits of its SHA-256, two to a layer."""
    zeros = 0
    for byte in hashlib.sha256(key.encode()).digest():
        if byte:
            zeros += 8 - byte.bit_length()
            break
        zeros += 8
    return zeros // 2


def build_mst(entries, add_block):
    """The root CID of the tree of ``entries`` (``(key, record CID)`` pairs, sorted by key);
    ``add_block(cid, data)`` is given each node."""
    if not entries:
        return _add(add_block, {"l": None, "e": []})
    depths = [key_depth(key) for key, _cid in entries]
    return _node(entries, depths, max(depths), add_block)


def _node(entries, depths, layer, add_block):
    """The node of ``layer`` over ``entries`` (none deeper than ``layer``): its own keys are
    those of that layer, the runs of lower keys between them its subtrees."""
    groups, keys, run = [], [], []
    for entry, depth in zip(entries, depths, strict=True):
        if depth == layer:
            groups.append(run)
            keys.append(entry)
            run = []
        else:
            run.append((entry, depth))
    groups.append(run)

    def subtree(group):
        if not group:
            return None
        items, group_depths = zip(*group, strict=True)
        return _node(list(items), list(group_depths), layer - 1, add_block)

    node_entries, previous = [], b""
    for (key, cid), group in zip(keys, groups[1:], strict=True):
        key_bytes = key.encode()
        prefix = _common_prefix(previous, key_bytes)
        node_entries.append({"p": prefix, "k": key_bytes[prefix:], "v": cid, "t": subtree(group)})
        previous = key_bytes
    return _add(add_block, {"l": subtree(groups[0]), "e": node_entries})


def _common_prefix(a, b):
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _add(add_block, value):
    cid, data = block(value)
    add_block(cid, data)
    return cid


def commit(did, data, version=3):
    return {
        "did": did,
        "version": version,
        "data": data,
        "rev": "3kabcdefghi22",
        "prev": None,
        "sig": b"\x00" * 64,
    }


# Records --------------------------------------------------------------------------------------


def rkey(number):
    """A record key as Bluesky's TIDs sort: by their number."""
    return f"3k{number:011d}"


def post_uri(number, did=DID):
    return f"at://{did}/{POST}/{rkey(number)}"


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def post(text="Hej från skyddsombudet", created_at=START, **fields):
    """An ``app.bsky.feed.post`` record."""
    return {"$type": POST, "text": text, "createdAt": iso(created_at), "langs": ["sv"], **fields}


def facet(start, end, feature):
    """A facet of the bytes ``start``–``end`` of a post's UTF-8 text."""
    return {"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


def byte_span(text, part):
    """The UTF-8 byte offsets of ``part`` in ``text``."""
    start = len(text[: text.index(part)].encode())
    return start, start + len(part.encode())


def link(uri):
    return {"$type": "app.bsky.richtext.facet#link", "uri": uri}


def mention(did):
    return {"$type": "app.bsky.richtext.facet#mention", "did": did}


def tag(name):
    return {"$type": "app.bsky.richtext.facet#tag", "tag": name}


def reply_to(parent_uri, root_uri=None):
    ref = {"uri": parent_uri, "cid": blob_cid(parent_uri)}
    root = {"uri": root_uri, "cid": blob_cid(root_uri)} if root_uri else ref
    return {"reply": {"root": root, "parent": ref}}


def quote_of(uri):
    return {
        "embed": {"$type": "app.bsky.embed.record", "record": {"uri": uri, "cid": blob_cid(uri)}}
    }


def blob_cid(seed):
    """A CID to stand for a blob or a record outside the repository."""
    return cid_of(str(seed).encode(), codec=0x55)


def images(*alts, width=1200, height=800):
    return {
        "embed": {
            "$type": "app.bsky.embed.images",
            "images": [
                {
                    "alt": alt,
                    "image": {
                        "$type": "blob",
                        "ref": blob_cid(alt),
                        "mimeType": "image/jpeg",
                        "size": 1234,
                    },
                    "aspectRatio": {"width": width, "height": height},
                }
                for alt in alts
            ],
        }
    }


def repost(subject_uri, created_at=START):
    return {
        "$type": REPOST,
        "subject": {"uri": subject_uri, "cid": blob_cid(subject_uri)},
        "createdAt": iso(created_at),
    }


def like(subject_uri, created_at=START):
    return {
        "$type": "app.bsky.feed.like",
        "subject": {"uri": subject_uri, "cid": blob_cid(subject_uri)},
        "createdAt": iso(created_at),
    }


# Repositories ---------------------------------------------------------------------------------


def posts(count, start=1):
    """``{key: record}`` of ``count`` plain posts, a minute apart."""
    return {
        f"{POST}/{rkey(n)}": post(f"Inlägg {n}", START + datetime.timedelta(minutes=n))
        for n in range(start, start + count)
    }


class Repository:
    """The blocks of a repository of ``records`` (``{key: record or raw bytes}``), which a test
    may change before ``car()`` writes them."""

    def __init__(self, records, did=DID, commit_version=3):
        self.records, self.record_blocks, self.nodes = {}, [], []
        for key in sorted(records):
            cid, data = block(records[key])
            self.records[key] = cid
            self.record_blocks.append((cid, data))
        self.mst_root = build_mst(sorted(self.records.items()), self._add_node)
        self.commit_cid, self.commit_data = block(commit(did, self.mst_root, commit_version))

    def _add_node(self, cid, data):
        self.nodes.append((cid, data))

    @property
    def blocks(self):
        """Commit first, then the tree's nodes and the records, as a PDS exports them."""
        return [(self.commit_cid, self.commit_data), *self.nodes, *self.record_blocks]

    def car(self, blocks=None, roots=None, version=1):
        return car_bytes(
            [self.commit_cid] if roots is None else roots,
            self.blocks if blocks is None else blocks,
            version,
        )


def repository_bytes(records, did=DID):
    return Repository(records, did).car()


def write_repository(path, records, did=DID):
    path.write_bytes(repository_bytes(records, did))
    return path


def large_record(n):
    """Post ``n`` of a large repository: text like a real post's, some with a facet, a reply or
    two images; every tenth a repost."""
    moment = START + datetime.timedelta(minutes=n)
    if n % 10 == 0:
        return f"{REPOST}/{rkey(n)}", repost(post_uri(n - 1, "did:plc:someoneelse000000000000"))
    text = f"Inlägg {n} om arbetsmiljön på lagret, skyddsronden och #arbetsmiljo i veckan 🙂"
    start, end = byte_span(text, "#arbetsmiljo")
    fields = {"facets": [facet(start, end, tag("arbetsmiljo"))]}
    if n % 7 == 0:
        fields.update(reply_to(post_uri(n - 1)))
    if n % 13 == 0:
        fields.update(images("Skyddsrond", "Lagret"))
    return f"{POST}/{rkey(n)}", post(text, moment, **fields)


def write_large_repository(path, count=100_000, did=DID):
    """A repository of ``count`` records (``large_record``) and as many likes, written to
    ``path`` block by block."""
    keys = []
    with open(path, "wb") as out:
        records = []
        for n in range(1, count + 1):
            key, record = large_record(n)
            cid, data = block(record)
            records.append((cid, data))
            keys.append((key, cid))
            like_cid, like_data = block(like(post_uri(n, "did:plc:someoneelse000000000000")))
            records.append((like_cid, like_data))
            keys.append((f"app.bsky.feed.like/{rkey(n)}", like_cid))
        keys.sort()
        nodes = []
        root = build_mst(keys, lambda cid, data: nodes.append((cid, data)))
        commit_cid, commit_data = block(commit(did, root))
        header = encoded({"version": 1, "roots": [commit_cid]})
        out.write(varint(len(header)) + header)
        out.write(car_section(commit_cid, commit_data))
        for cid, data in nodes:
            out.write(car_section(cid, data))
        for cid, data in records:
            out.write(car_section(cid, data))
    return path
