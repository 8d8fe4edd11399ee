import Foundation
import XCTest
@testable import EPlanDomain

/// Output that cannot be written — a full disk (/dev/full), a closed stream (`>&-`), a
/// reader that went away — through the real binary: every command says so (on standard
/// error when it can), ends with a non-zero status (74 when it had no error of its own)
/// and never dies by a signal.
final class OutputFailureTests: CLITestCase {
    struct Run {
        var status: Int32
        var signalled: Bool
        var out: String
        var err: String
    }

    /// Runs eplan through /bin/sh with `redirect` applied to it (">/dev/full", "2>&-", …);
    /// the streams the redirect leaves alone are captured.
    func eplan(_ args: [String], redirect: String) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exec \"$0\" \"$@\" \(redirect)", eplanPath] + args
        var environment = ProcessInfo.processInfo.environment
        environment["EPLAN_DB"] = nil
        environment["EPLAN_LANG"] = nil
        environment["EPLAN_GEODATA"] = Self.geodata
        p.environment = environment
        let outPath = path("stdout-\(UUID().uuidString)"), errPath = path("stderr-\(UUID().uuidString)")
        XCTAssertTrue(FileManager.default.createFile(atPath: outPath, contents: nil))
        XCTAssertTrue(FileManager.default.createFile(atPath: errPath, contents: nil))
        let out = try XCTUnwrap(FileHandle(forWritingAtPath: outPath)), err = try XCTUnwrap(FileHandle(forWritingAtPath: errPath))
        p.standardOutput = out; p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close(); try err.close()
        return Run(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                   out: try String(contentsOfFile: outPath, encoding: .utf8),
                   err: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// Never a signal death nor a status a shell would show for one (132 SIGILL from a
    /// trap, 134, 139, 141).
    func assertNoCrash(_ r: Run, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.signalled, "\(what): killed by signal \(r.status)\n\(r.err)", file: file, line: line)
        XCTAssertFalse([132, 134, 139, 141].contains(r.status), "\(what): status \(r.status)", file: file, line: line)
        XCTAssertFalse(r.err.contains("Fatal error"), "\(what): \(r.err)", file: file, line: line)
    }

    /// A Tak store with two projects of 03630601 and a pin on one.
    func storeWithProjectAndPin() throws -> String {
        let db = try initStore()
        let csv = try writeFile("ok.csv", "code,lao_code,plan_year,name,kind,budget\nA1,03630601,2560,ถนนดี,ถนน,1000\nA2,03630601,2560,สอง,ถนน,1000\n")
        let imp = try eplan(["projects", "import", csv, "--db", db])
        XCTAssertEqual(imp.status, 0, imp.err)
        let pin = try eplan(["pin", "A1", "16.7167, 98.5667", "--db", db])
        XCTAssertEqual(pin.status, 0, pin.err)
        return db
    }

    func testFullStandardOutputExits74AndSaysSoInEveryCommand() throws {
        let db = try storeWithProjectAndPin()
        let commands: [[String]] = [
            ["where", "16.7167, 98.5667"], ["where", "16.7167, 98.5667", "--format", "json"],
            ["where", "13.7563, 100.5018"],  // outside (4): the answer is lost, so 74
            ["laos", "list"], ["projects", "list"], ["projects", "list", "--format", "csv"],
            ["projects", "list", "--format", "json"], ["projects", "show", "A1"], ["pins", "list"],
            ["projects", "template"], ["report", "status", "--province", "63", "--year", "2560"],
            ["export"], ["export", "--format", "csv"], ["version"], ["--help"], ["plans", "list"],
        ]
        for args in commands {
            let r = try eplan(["--lang", "en", "--db", db] + args, redirect: ">/dev/full")
            assertNoCrash(r, "\(args)")
            XCTAssertEqual(r.status, 74, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains("standard output") && r.err.contains("No space left"), "\(args): \(r.err)")
        }
        // Thai by default, the same words as the export's.
        let th = try eplan(["laos", "list", "--db", db], redirect: ">/dev/full")
        XCTAssertEqual(th.status, 74)
        XCTAssertTrue(th.err.hasPrefix("ข้อผิดพลาด: เขียนออกหน้าจอ (stdout) ไม่สำเร็จ"), th.err)
    }

    func testClosedStandardOutputExits74AndNothingLandsInTheStore() throws {
        let db = try storeWithProjectAndPin()
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for args in [["where", "16.7167, 98.5667"], ["projects", "list"], ["export"]] {
            let r = try eplan(["--lang", "en", "--db", db] + args, redirect: ">&-")
            assertNoCrash(r, "\(args)")
            XCTAssertEqual(r.status, 74, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains("standard output"), "\(args): \(r.err)")
        }
        // Had the store been opened as descriptor 1, the output would have gone into it.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
        XCTAssertEqual(try eplan(["projects", "list", "--db", db]).status, 0)
    }

    func testFullOrClosedStandardErrorNeverTraps() throws {
        let db = try initStore()
        for redirect in ["2>/dev/full", "2>&-"] {
            let bad = try eplan(["where", "--db", db, "nonsense"], redirect: redirect)
            assertNoCrash(bad, redirect)
            XCTAssertEqual(bad.status, 1, "\(redirect): the command's own error status stays")
            let good = try eplan(["where", "--db", db, "16.7167, 98.5667"], redirect: redirect)
            assertNoCrash(good, redirect)
            XCTAssertEqual(good.status, 0, "nothing went to standard error")
            XCTAssertTrue(good.out.contains("แม่สอด"), good.out)
            let usage = try eplan(["bogus"], redirect: redirect)
            assertNoCrash(usage, redirect)
            XCTAssertEqual(usage.status, 64)
        }
    }

    func testSkipBadImportWithFullStandardErrorCommitsThenExits74() throws {
        let db = try initStore()
        let csv = try writeFile("mixed.csv", "code,lao_code,plan_year,name,kind,budget\nA1,03630601,2560,ดี,ถนน,1000\nA2,09999999,2560,ไม่มี อปท.,ถนน,1000\n")
        let r = try eplan(["projects", "import", csv, "--skip-bad", "--db", db], redirect: "2>/dev/full")
        assertNoCrash(r, "import")
        XCTAssertEqual(r.status, 74, "the notes on the rejected line could not be written")
        // The store is consistent: the good line committed, the rejects file beside it.
        let list = try eplan(["projects", "list", "--format", "csv", "--db", db])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains("\nA1,") && !list.out.contains("A2,"), list.out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("mixed.rejects.csv")))
    }

    /// A reader that went away before anything was written (the read end of the pipe is
    /// closed first): no SIGPIPE death, no message, status 74.
    func testClosedPipeEndsQuietlyWith74() throws {
        let db = try storeWithProjectAndPin()
        for args in [["projects", "list"], ["export"]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: eplanPath)
            p.arguments = ["--db", db] + args
            p.environment = ["EPLAN_GEODATA": Self.geodata]
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            let errPath = path("stderr-pipe")
            XCTAssertTrue(FileManager.default.createFile(atPath: errPath, contents: nil))
            let err = try XCTUnwrap(FileHandle(forWritingAtPath: errPath))
            p.standardOutput = pipe; p.standardError = err
            try p.run()
            try pipe.fileHandleForWriting.close()
            p.waitUntilExit()
            try err.close()
            XCTAssertEqual(p.terminationReason, .exit, "\(args): killed by signal \(p.terminationStatus)")
            XCTAssertEqual(p.terminationStatus, 74, "\(args)")
            XCTAssertEqual(try String(contentsOfFile: errPath, encoding: .utf8), "", "\(args): quiet")
        }
    }

    /// Standard output left non-blocking by another program (a pipe whose buffer fills
    /// faster than the reader drains it) is waited on, not reported as a failure.
    func testNonBlockingStandardOutputIsWaitedOn() throws {
        let db = try initStore()
        var csv = "code,lao_code,plan_year,name,kind,budget\n"
        for i in 0..<1500 { csv += "P\(i),03630601,2560,โครงการปรับปรุงถนนสายที่ \(i),ถนน,1000\n" }
        XCTAssertEqual(try eplan(["projects", "import", try writeFile("many.csv", csv), "--db", db]).status, 0)
        for args in [["projects", "list"], ["export"]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: eplanPath)
            p.arguments = ["--db", db, "--lang", "en"] + args + (args == ["export"] ? ["--include-unpinned"] : [])
            p.environment = ["EPLAN_GEODATA": Self.geodata]
            let pipe = Pipe(), errPipe = Pipe()
            let w = pipe.fileHandleForWriting.fileDescriptor
            XCTAssertEqual(fcntl(w, F_SETFL, fcntl(w, F_GETFL) | O_NONBLOCK), 0)
            p.standardOutput = pipe; p.standardError = errPipe
            try p.run()
            try pipe.fileHandleForWriting.close()
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            let err = errPipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "\(args): \(String(decoding: err, as: UTF8.self))")
            XCTAssertGreaterThan(out.count, 200_000, "\(args): the whole output")
            XCTAssertTrue(String(decoding: out, as: UTF8.self).contains("P1499"), "\(args)")
        }
    }

    /// A full disk under the rejects file refuses the import before anything is stored;
    /// under a report's --out it leaves no file. Needs a small tmpfs (root): skipped otherwise.
    func testFullDiskUnderRejectsFileRefusesTheImportAndStoresNothing() throws {
        let full = path("full")
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        guard (try? run("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", full]))?.status == 0 else {
            throw XCTSkip("cannot mount a 4 KiB tmpfs (needs root): full-disk test skipped")
        }
        defer { _ = try? run("umount", [full]) }
        let db = try initStore()
        var text = "code,lao_code,plan_year,name,kind,budget\nA1,03630601,2560,ดี,ถนน,1000\n"
        for i in 0..<200 { text += "B\(i),09999999,2560,\(String(repeating: "ยาว", count: 20)),ถนน,1000\n" }
        let csv = try writeFile("many-bad.csv", text)
        let r = try eplan(["--lang", "en", "projects", "import", csv, "--skip-bad", "--rejects", full + "/r.csv", "--db", db])
        assertNoCrash(Run(status: r.status, signalled: false, out: r.out, err: r.err), "import")
        XCTAssertEqual(r.status, 74, r.err)
        XCTAssertTrue(r.err.contains("r.csv") && r.err.contains("No space left"), r.err)
        let list = try eplan(["projects", "list", "--format", "csv", "--db", db])
        XCTAssertFalse(list.out.contains("\nA1,"), "the import must not commit when its rejects file fails: \(list.out)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: full), [], "no file or temporary left")

        let report = try eplan(["--lang", "en", "report", "status", "--province", "63", "--year", "2560", "--format", "html",
                                "--out", full + "/report.html", "--db", db])
        XCTAssertEqual(report.status, 74, report.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: full + "/report.html"))
    }
}
