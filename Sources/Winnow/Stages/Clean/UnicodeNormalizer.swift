/// Puts UTF-8 text in NFC or NFKC.
///
/// NFC is the standard library's (`String._nfcCodeUnits`, ≈ 190 MB/s here; Foundation's is the same code),
/// skipped when `NFCQuickCheck` shows the text is NFC already. NFKC is NFC after replacing each code point that has
/// a compatibility mapping by its NFKC form (`compatibilityForms`, generated): Foundation's
/// `precomposedStringWithCompatibilityMapping` gives the same result at ≈ 0.5 MB/s.
enum UnicodeNormalizer {
    static func nfc(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if NFCQuickCheck.isCertainlyNFC(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: String(decoding: bytes, as: UTF8.self)._nfcCodeUnits, as: UTF8.self)
    }

    static func nfkc(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(where: { $0 >= 0xC2 }) else { return String(decoding: bytes, as: UTF8.self) }
        var mapped = String()
        mapped.reserveCapacity(bytes.count)
        var changed = false
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar.value >= 0x80, let form = compatibilityMap[scalar.value] {
                mapped += form
                changed = true
            } else {
                mapped.unicodeScalars.append(scalar)
            }
        }
        var utf8 = changed ? mapped : String(decoding: bytes, as: UTF8.self)
        return utf8.withUTF8 { nfc($0) }
    }

    private static let compatibilityMap: [UInt32: String] = Dictionary(uniqueKeysWithValues: compatibilityForms)
}
