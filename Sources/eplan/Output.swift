import EPlanApp
import EPlanDomain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One of the command line's two streams (standard output or standard error), written with
/// `write(2)` and checked. `FileHandle.write` traps (a forced `try` inside Foundation) on a full
/// disk or a closed stream, and Swift's own `print` ignores a failed write; here the first
/// failure is remembered, nothing more is written to that stream, and `Output.finish`
/// turns it into a non-zero exit status.
final class OutputStream {
    let fd: Int32
    /// Bytes held before a `write(2)`; 0 writes at once (standard error).
    private let capacity: Int
    /// A terminal sees each line when it is printed, as with stdio's line buffering.
    private let flushesLines: Bool
    private var buffer: [UInt8] = []
    /// The `errno` of the first failed write, if any.
    private(set) var failure: Int32?

    init(fd: Int32, capacity: Int) {
        self.fd = fd
        self.capacity = capacity
        flushesLines = isatty(fd) == 1
        buffer.reserveCapacity(capacity)
    }

    func write(_ text: String) {
        guard failure == nil else { return }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity || (flushesLines && text.utf8.last == 0x0A) { flush() }
    }

    /// Writes out what is held, retrying interrupted and partial writes. False once the
    /// stream has failed.
    @discardableResult
    func flush() -> Bool {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil else { return false }
        guard !buffer.isEmpty else { return true }
        failure = buffer.withUnsafeBytes { OutputStream.writeAll(fd, $0) }
        return failure == nil
    }

    /// nil when every byte went out, else the `errno` that stopped it.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                // A stream another program left non-blocking (a shared terminal or pipe):
                // wait until it takes more instead of calling a full pipe a failure.
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                return errno
            }
            if n == 0 { return EIO }  // not expected of write(2); never loop on it
            offset += n
        }
        return nil
    }
}

/// The one writer of everything the command line says. Standard output is buffered
/// (64 KiB: one `write(2)` per 64 KiB, not per line, for outputs of 100,000 lines; by
/// line on a terminal) and
/// flushed before anything goes to standard error, so the two keep their order when they
/// share a file or a terminal; standard error is written at once.
enum Output {
    // nonisolated(unsafe): the command line writes from its one main thread only.
    nonisolated(unsafe) static let stdout = OutputStream(fd: 1, capacity: 64 * 1024)
    nonisolated(unsafe) static let stderr = OutputStream(fd: 2, capacity: 0)

    /// Called first thing. SIGPIPE is ignored, so a reader that goes away (`eplan … | head`)
    /// shows up as a failed write (EPIPE) that ends the command with status 74, instead of
    /// killing the process in the middle of whatever it was doing. A standard stream closed
    /// by the caller (`2>&-`) is filled with /dev/null opened read-only: otherwise the next
    /// file opened (the store!) would get number 1 or 2 and receive our messages, while a
    /// read-only descriptor makes every write to it fail (EBADF) like any other failure.
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for fd: Int32 in [0, 1, 2] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let null = open("/dev/null", O_RDONLY)
            if null >= 0 && null != fd { dup2(null, fd); close(null) }
        }
    }

    static func writeError(_ text: String) {
        stdout.flush()
        stderr.write(text)
    }

    /// An export whose standard output reader went away (EPIPE): said by the status alone,
    /// as for every other command.
    static func isClosedPipe(_ error: UserFacingError) -> Bool {
        guard let e = ((error as? AppError)?.underlying ?? error) as? ExportError, case .stdoutFailed(let reason) = e.kind else { return false }
        return reason == String(cString: strerror(EPIPE))
    }

    /// Ends the process with `status`, or with 74 (`ExitStatus.outputError`) when some of
    /// the output could not be written and the command had no error of its own: 0, and also
    /// 4 (outside) and 5 (findings), answers that were in the output lost. A failed
    /// standard output is said on standard error, except for a closed pipe: the reader
    /// left on purpose (`| head`), so the status alone tells a script the output is cut.
    static func finish(_ status: Int32) -> Never {
        stdout.flush()
        var code = status
        if let e = stdout.failure, e != EPIPE {
            // The same words as an export's broken standard output.
            printError(ExportError(.stdoutFailed(reason: String(cString: strerror(e)))).message.text())
        }
        let answers: [ExitStatus] = [.ok, .outside, .findings]
        if stdout.failure != nil || stderr.failure != nil, answers.contains(where: { $0.rawValue == code }) {
            code = ExitStatus.outputError.rawValue
        }
        Foundation.exit(code)
    }
}

/// The module's `print`: the same signature as Swift's, so every call site in the command
/// line goes through the checked writer without a change.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    guard Output.stdout.failure == nil else { return }  // no text built for a stream that failed
    Output.stdout.write(items.map { String(describing: $0) }.joined(separator: separator) + terminator)
}
