import Foundation

/// One input: a file path, or `-` for standard input, with its size on disk when known.
public struct InputFile: Sendable, Hashable {
    public var path: String
    /// Bytes on disk (compressed); nil for standard input.
    public var size: Int?

    public init(path: String, size: Int?) {
        self.path = path
        self.size = size
    }

    /// Names of the files taken from a directory: record files, optionally gzip-compressed. Other files in a
    /// directory (a README, checksums) are not inputs; a file named on the command line is read whatever its name.
    public static let recordFileSuffixes = [".jsonl", ".ndjson", ".json", ".txt", ".warc", ".wet"]

    /// Whether a file found in a directory is read: its name ends in a record suffix, optionally followed by `.gz`.
    public static func isRecordFile(_ name: String) -> Bool {
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        return recordFileSuffixes.contains { base.hasSuffix($0) }
    }

    /// Expands command-line inputs: files as given, directories recursively with their record files in sorted
    /// order (hidden files skipped), `-` as standard input. A missing path is an error naming it.
    public static func expand(_ paths: [String]) throws -> [InputFile] {
        var files: [InputFile] = []
        let manager = FileManager.default
        for path in paths {
            if path == "-" {
                files.append(InputFile(path: "-", size: nil))
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw IOFailure(path: path, message: "no such file or directory")
            }
            if isDirectory.boolValue {
                files.append(contentsOf: try directoryFiles(path))
            } else {
                files.append(InputFile(path: path, size: fileSize(path)))
            }
        }
        return files
    }

    private static func directoryFiles(_ directory: String) throws -> [InputFile] {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory) else {
            throw IOFailure(path: directory, message: "cannot list the directory")
        }
        var relativePaths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular, isRecordFile(name) {
                relativePaths.append(relative)
            }
        }
        // Sorted by bytes, so the order is the same on every machine and locale.
        relativePaths.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return relativePaths.map { InputFile(path: prefix + $0, size: fileSize(prefix + $0)) }
    }

    private static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// The inputs of shard `index` (1-based) of `count`: each file goes to the shard given by a stable hash of its
    /// path (64-bit FNV-1a), so N processes running the same pipeline with `--shard 1/N` … `--shard N/N` read every
    /// file exactly once, and a file keeps its shard when others are added. Standard input goes to shard 1.
    public static func shard(_ files: [InputFile], index: Int, of count: Int) -> [InputFile] {
        files.filter { file in
            guard file.path != "-" else { return index == 1 }
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in file.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return Int(hash % UInt64(count)) == index - 1
        }
    }
}
