/// XXH64 (Yann Collet's xxHash, 64-bit variant) of a byte range: the stable hash `dedup` documents, the same on every
/// machine, run and version (Python: `xxhash.xxh64(data, seed).intdigest()`).
///
/// Written by hand (≈ 40 lines) rather than taken from a package: none of the listed packages has it.
public enum XXHash64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        var position = 0
        var hash: UInt64
        if count >= 32 {
            var v1 = seed &+ prime1 &+ prime2, v2 = seed &+ prime2, v3 = seed, v4 = seed &- prime1
            while position + 32 <= count {
                v1 = round(v1, load64(bytes, position))
                v2 = round(v2, load64(bytes, position + 8))
                v3 = round(v3, load64(bytes, position + 16))
                v4 = round(v4, load64(bytes, position + 24))
                position += 32
            }
            hash = rotate(v1, 1) &+ rotate(v2, 7) &+ rotate(v3, 12) &+ rotate(v4, 18)
            hash = mergeRound(mergeRound(mergeRound(mergeRound(hash, v1), v2), v3), v4)
        } else {
            hash = seed &+ prime5
        }
        hash &+= UInt64(count)
        while position + 8 <= count {
            hash ^= round(0, load64(bytes, position))
            hash = rotate(hash, 27) &* prime1 &+ prime4
            position += 8
        }
        if position + 4 <= count {
            hash ^= UInt64(bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian) &* prime1
            hash = rotate(hash, 23) &* prime2 &+ prime3
            position += 4
        }
        while position < count {
            hash ^= UInt64(bytes[position]) &* prime5
            hash = rotate(hash, 11) &* prime1
            position += 1
        }
        hash ^= hash >> 33
        hash &*= prime2
        hash ^= hash >> 29
        hash &*= prime3
        return hash ^ (hash >> 32)
    }

    public static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
        var string = string
        return string.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    @inline(__always) private static func load64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }
    @inline(__always) private static func rotate(_ value: UInt64, _ bits: UInt64) -> UInt64 {
        (value << bits) | (value >> (64 - bits))
    }
    @inline(__always) private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* prime2, 31) &* prime1
    }
    @inline(__always) private static func mergeRound(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        (hash ^ round(0, value)) &* prime1 &+ prime4
    }
}
