#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input: a file path, or `-` for standard input, with its size on disk when known.
public struct InputFile: Sendable, Hashable {
    /// The path as shown in messages and in `source.file`; bytes of a name that are not UTF-8 appear as `\xNN`.
    public var path: String
    /// Bytes on disk (compressed); nil for standard input.
    public var size: Int?
    /// The path's bytes when they are not valid UTF-8 (a name read from a directory); nil when `path` is exact.
    public var rawPath: [UInt8]?

    public init(path: String, size: Int?) {
        self.path = path
        self.size = size
    }

    /// An input found by listing a directory: its path as bytes, any bytes at all.
    init(pathBytes: [UInt8], size: Int?) {
        if let exact = String(validating: pathBytes, as: UTF8.self) {
            path = exact
        } else {
            path = Self.displayName(pathBytes)
            rawPath = pathBytes
        }
        self.size = size
    }

    /// The bytes to give the system to open this input.
    public var systemPath: [UInt8] { rawPath ?? Array(path.utf8) }

    /// Whether a second pass can read the input again: a regular file, not standard input, a pipe or a device.
    public var canBeReadTwice: Bool {
        guard path != "-" else { return false }
        var status = stat()
        return stat(systemPath.map { CChar(bitPattern: $0) } + [0], &status) == 0
            && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// A byte-string name for messages: valid UTF-8 as it is, every other byte as `\xNN`.
    static func displayName(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        bytes.withUnsafeBufferPointer { buffer in
            while index < buffer.count {
                let length = UTF8Bytes.validSequenceLength(buffer, at: index)
                if length > 0 {
                    text += String(decoding: buffer[index..<(index + length)], as: UTF8.self)
                    index += length
                } else {
                    text += "\\x" + String(buffer[index], radix: 16, uppercase: true).leftPadded(to: 2)
                    index += 1
                }
            }
        }
        return text
    }

    /// Names of the files taken from a directory: record files, optionally compressed (gzip, zstd, xz, bzip2). Other files in a
    /// directory (a README, checksums) are not inputs; a file named on the command line is read whatever its name.
    public static let recordFileSuffixes = [".jsonl", ".ndjson", ".json", ".txt", ".warc", ".wet"]

    /// Whether a file found in a directory is read: its name ends in a record suffix, optionally followed by a
    /// compression suffix (`.gz`, `.zst`, `.zstd`, `.xz`, `.bz2`).
    public static func isRecordFile(_ name: String) -> Bool {
        let base = CompressionFormat.removingSuffix(name)
        return recordFileSuffixes.contains { base.hasSuffix($0) }
    }

    /// Expands command-line inputs into the files to read (see `list`).
    public static func expand(_ paths: [String]) throws(InputListingError) -> [InputFile] {
        try list(paths).files
    }

    /// Expands command-line inputs: files as given, directories recursively with their record files in sorted (byte)
    /// order, `-` as standard input. Symbolic links are followed (a directory reached twice — a link loop — is read
    /// once); names are byte strings, UTF-8 or not; hidden entries (`.name`) are left out. Files of a directory that
    /// are not record files are listed in `skipped`. A missing path or an entry that cannot be read (a directory
    /// without permission, a broken link) is an error naming every one of them. A path that does not exist but is a
    /// glob pattern (`data/*.jsonl.gz`, quoted so that the shell left it, or written in a pipeline file) stands for
    /// the paths it matches, in byte order; a pattern that matches nothing is an error.
    public static func list(_ paths: [String]) throws(InputListingError) -> InputListing {
        var listing = InputListing()
        var unreadable: [String] = []
        var visited = Set<DirectoryIdentity>()
        var expanded: [String] = []
        for path in paths {
            var info = stat()
            if path != "-", stat(path, &info) != 0, path.contains(where: { "*?[".contains($0) }) {
                let matches = globMatches(path)
                if matches.isEmpty { unreadable.append("\(path): no file matches the pattern") }
                expanded += matches
            } else {
                expanded.append(path)
            }
        }
        for path in expanded {
            if path == "-" {
                listing.files.append(InputFile(path: "-", size: nil))
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                unreadable.append(
                    "\(path): " + (errno == ENOENT ? "no such file or directory" : String(cString: strerror(errno))))
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                var found: [(relative: [UInt8], size: Int)] = []
                walk(
                    Array(path.utf8), relative: [], info: info, visited: &visited, found: &found,
                    skipped: &listing.skipped, unreadable: &unreadable)
                // Sorted by bytes, so the order is the same on every machine and locale.
                found.sort { $0.relative.lexicographicallyPrecedes($1.relative) }
                let prefix = Array(path.hasSuffix("/") ? path.utf8 : (path + "/").utf8)
                listing.files += found.map { InputFile(pathBytes: prefix + $0.relative, size: $0.size) }
            } else {
                listing.files.append(InputFile(path: path, size: Int(info.st_size)))
            }
        }
        guard unreadable.isEmpty else { throw InputListingError(entries: unreadable) }
        return listing
    }

    /// The paths a glob pattern matches (glob(3), hidden names only when the pattern says so), in byte order.
    static func globMatches(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var matches: [[UInt8]] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let path = result.gl_pathv[index] else { continue }
            matches.append(Array(UnsafeRawBufferPointer(start: path, count: strlen(path))))
        }
        matches.sort { $0.lexicographicallyPrecedes($1) }
        return matches.map { String(decoding: $0, as: UTF8.self) }
    }

    /// A directory's device and inode: what tells that a link leads back to a directory already read.
    struct DirectoryIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// Adds the record files under `directory` (relative paths from the listed root) to `found`.
    private static func walk(
        _ directory: [UInt8], relative: [UInt8], info: stat, visited: inout Set<DirectoryIdentity>,
        found: inout [(relative: [UInt8], size: Int)], skipped: inout [SkippedInput], unreadable: inout [String]
    ) {
        let shown = displayName(directory)
        guard visited.insert(DirectoryIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted else {
            skipped.append(
                SkippedInput(
                    path: shown, reason: "a directory already read (a symbolic link loop or a second link to it)"))
            return
        }
        guard let handle = opendir(directory.nullTerminated) else {
            unreadable.append("\(shown): cannot read the directory: \(String(cString: strerror(errno)))")
            return
        }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                if errno != 0 {
                    unreadable.append("\(shown): cannot list the directory: \(String(cString: strerror(errno)))")
                }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name.first == UInt8(ascii: ".") { continue }  // hidden entries, `.` and `..`
            names.append(name)
        }
        for name in names {
            let path = directory + [UInt8(ascii: "/")] + name
            let entryRelative = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
            var entryInfo = stat()
            guard stat(path.nullTerminated, &entryInfo) == 0 else {
                let reason = errno
                var linkInfo = stat()
                let isLink = lstat(path.nullTerminated, &linkInfo) == 0 && linkInfo.st_mode & S_IFMT == S_IFLNK
                unreadable.append(
                    "\(displayName(path)): "
                        + (isLink
                            ? "a symbolic link to nothing that can be read (\(String(cString: strerror(reason))))"
                            : String(cString: strerror(reason))))
                continue
            }
            switch entryInfo.st_mode & S_IFMT {
            case S_IFDIR:
                walk(
                    path, relative: entryRelative, info: entryInfo, visited: &visited, found: &found, skipped: &skipped,
                    unreadable: &unreadable)
            case S_IFREG:
                if isRecordFile(String(decoding: name, as: UTF8.self)) {
                    if access(path.nullTerminated, R_OK) != 0 {
                        unreadable.append("\(displayName(path)): \(String(cString: strerror(errno)))")
                    } else {
                        found.append((entryRelative, Int(entryInfo.st_size)))
                    }
                } else {
                    skipped.append(
                        SkippedInput(
                            path: displayName(path),
                            reason:
                                "not a record file name (\(recordFileSuffixes.joined(separator: " ")), optionally .gz)")
                    )
                }
            default:
                skipped.append(
                    SkippedInput(path: displayName(path), reason: "not a regular file (a device, pipe or socket)"))
            }
        }
    }

    /// The inputs of shard `index` (1-based) of `count`: each file goes to the shard given by a stable hash of its
    /// path (64-bit FNV-1a), so N processes running the same pipeline with `--shard 1/N` … `--shard N/N` read every
    /// file exactly once, and a file keeps its shard when others are added. Standard input goes to shard 1.
    public static func shard(_ files: [InputFile], index: Int, of count: Int) -> [InputFile] {
        files.filter { file in
            guard file.path != "-" else { return index == 1 }
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in file.systemPath { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return Int(hash % UInt64(count)) == index - 1
        }
    }
}

/// What the inputs of a run expand to: the files to read, and the files of input directories left out.
public struct InputListing: Sendable {
    public var files: [InputFile] = []
    public var skipped: [SkippedInput] = []
}

/// A file in an input directory that is not read, and why.
public struct SkippedInput: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): skipped: \(reason)" }
}

/// Inputs that do not exist or cannot be read, every one of them named.
public struct InputListingError: Error, CustomStringConvertible, Sendable {
    public var entries: [String]
    public var description: String {
        entries.count == 1
            ? entries[0]
            : "\(entries.count) inputs cannot be read:\n" + entries.map { "  " + $0 }.joined(separator: "\n")
    }
}

extension Array where Element == UInt8 {
    /// The bytes with a NUL after them, as C strings are.
    var nullTerminated: [CChar] { map { CChar(bitPattern: $0) } + [0] }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
