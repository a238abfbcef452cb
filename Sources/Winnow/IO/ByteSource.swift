#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reading or writing a file, with the path and what the system said.
public struct IOFailure: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// An error from the current `errno`.
    static func system(_ path: String, _ action: String) -> IOFailure {
        IOFailure(path: path, message: "\(action): \(String(cString: strerror(errno)))")
    }

    public var description: String { "\(path): \(message)" }

    /// The message of a write whose reader went away (`winnow run … | head`).
    public static let brokenPipe = "the reader of the output went away (broken pipe)"
}

/// A stream of raw bytes: a file or standard input, read with `read(2)` into the caller's buffer.
public protocol ByteSource: AnyObject {
    /// The path for messages (`-` for standard input).
    var path: String { get }
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int
}

/// A file (or standard input) read through its file descriptor.
///
/// A pipe or terminal is waited on with `poll` in short slices, so a set `CancellationFlag` ends the wait (as the
/// end of the input) even when no more data ever comes: Ctrl-C works while `winnow run … -` waits on stdin.
public final class FileSource: ByteSource {
    public let path: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let cancellation: CancellationFlag?
    private let isRegularFile: Bool

    /// Opens an input (its name's bytes, UTF-8 or not).
    public convenience init(file: InputFile, cancellation: CancellationFlag? = nil) throws(IOFailure) {
        try self.init(path: file.path, systemPath: file.rawPath, cancellation: cancellation)
    }

    /// Opens `path` for reading; `-` is standard input. `systemPath`: the name's bytes when `path` only shows them.
    public init(path: String, systemPath: [UInt8]? = nil, cancellation: CancellationFlag? = nil) throws(IOFailure) {
        self.path = path
        self.cancellation = cancellation
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
            var info = stat()
            isRegularFile = fstat(0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
            return
        }
        // O_NONBLOCK: opening a FIFO that has no writer yet must not block (a signal could not end the run); the
        // descriptor is made blocking again at once, and `read` waits in `poll`, where cancellation is seen.
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        let fd = systemPath.map { open($0.nullTerminated, flags) } ?? open(path, flags)
        guard fd >= 0 else { throw IOFailure.system(path, "cannot open") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw IOFailure(path: path, message: "is a directory, expected a file")
        }
        descriptor = fd
        ownsDescriptor = true
        isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// A whole file (a pipeline file, a model, an index). Errors are the system's words with the path — "No such
    /// file or directory", "is a directory, expected a file" — never a Foundation error domain.
    public static func contents(of path: String) throws(IOFailure) -> [UInt8] {
        let source = try FileSource(path: path)
        var info = stat()
        var bytes: [UInt8] = []
        if fstat(source.descriptor, &info) == 0, info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size)) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try source.read(into: chunk)
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        if !isRegularFile {
            // Pipes, FIFOs and terminals: wait for data (or the writer's end) in poll, looking at the cancellation
            // flag every 100 ms. A FIFO opened before any writer came reads as at its end until one does; poll waits.
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            while true {
                let ready = poll(&request, 1, cancellation == nil ? -1 : 100)
                if ready > 0 || (ready < 0 && errno != EINTR) { break }
                if cancellation?.isSet == true { return 0 }
            }
        }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw IOFailure.system(path, "read failed")
        }
    }
}

/// Bytes held in memory, handed out in chunks of at most `chunkSize` (tests use it to feed decoders piecewise).
public final class MemorySource: ByteSource {
    public let path: String
    private let bytes: [UInt8]
    private var position = 0
    private var chunkSizes: [Int]
    private var chunkIndex = 0

    /// `chunkSizes` cycles: `[1]` hands out one byte per read; empty means as much as the caller asks for.
    public init(_ bytes: [UInt8], path: String = "<memory>", chunkSizes: [Int] = []) {
        self.bytes = bytes
        self.path = path
        self.chunkSizes = chunkSizes.filter { $0 > 0 }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        var count = min(buffer.count, bytes.count - position)
        if !chunkSizes.isEmpty {
            count = min(count, chunkSizes[chunkIndex % chunkSizes.count])
            chunkIndex += 1
        }
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}
