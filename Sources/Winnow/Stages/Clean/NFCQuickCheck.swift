/// Decides quickly whether UTF-8 text is certainly in Normalization Form C already, so the normaliser runs only
/// on texts that may need it. Any byte below `0xCC` starts a code point below U+0300, and no code point below
/// U+0300 can make a text non-NFC; above it, a bit table built from `ranges` answers.
enum NFCQuickCheck {
    private static let limit: UInt32 = 0x30000
    private static let bits: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: Int(limit / 64))
        for range in ranges {
            for scalar in range where scalar < limit { bits[Int(scalar >> 6)] |= 1 << UInt64(scalar & 63) }
        }
        return bits
    }()

    /// True when no code point of `bytes` (valid UTF-8) can make the text non-NFC.
    static func isCertainlyNFC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        var i = 0
        let base = UnsafeRawPointer(bytes.baseAddress)
        while i < count {
            if let base, i &+ 8 <= count, SWAR.containsNonASCII(SWAR.load(base, i)) == 0 {
                i &+= 8
                continue
            }
            let lead = bytes[i]
            if lead < 0xCC { i &+= 1; continue }
            let (scalar, length) = UTF8Bytes.decode(bytes, at: i)
            i &+= length
            if scalar < limit && bits[Int(scalar >> 6)] & (1 << UInt64(scalar & 63)) != 0 { return false }
        }
        return true
    }
}
