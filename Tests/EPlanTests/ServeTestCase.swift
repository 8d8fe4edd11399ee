import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanServer
import Hummingbird

/// The base of the service tests: `eplan serve` for real, the built binary on a free loopback
/// port, a store made by `eplan init`, accounts added with `eplan users add`, and HTTP spoken
/// with curl. Subclasses hold the tests.
class ServeTestCase: CLITestCase {
    let insideNamRuem = "16.9199105, 99.2177229"   // P1's LAO (06630108)
    let insideMaeSot = "16.726455, 98.578715"      // W1's LAO (03630601); outside P1's
    let password = "correct horse battery"

    /// One running server; stopped (SIGTERM) by `stop()`, or by tearDown at the latest.
    final class Running {
        let process: Process
        let base: String
        init(process: Process, base: String) { self.process = process; self.base = base }
        /// SIGTERM: a graceful stop exits 0. A server still running a minute later fails the
        /// test and is killed (a stop that hung once kept a whole test run waiting 9 minutes).
        @discardableResult func stop(file: StaticString = #filePath, line: UInt = #line) -> Int32 {
            if process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning {
                XCTFail("eplan serve did not stop within 60 s of SIGTERM", file: file, line: line)
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
    var servers: [Running] = []

    override func tearDownWithError() throws {
        servers.forEach { $0.stop() }
        try super.tearDownWithError()
    }

    /// Starts `eplan serve --listen 127.0.0.1:0` and reads the address it prints.
    func serve(_ db: String, _ extra: [String] = []) throws -> Running {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: eplanPath)
        p.arguments = ["serve", "--db", db, "--listen", "127.0.0.1:0", "--lang", "en"] + extra
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.standardError
        p.standardInput = FileHandle.nullDevice
        try p.run()
        var seen = ""
        while !seen.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the server ended before listening
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = seen.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) else {
            p.waitUntilExit()
            XCTFail("eplan serve did not print its address (exit \(p.terminationStatus)): \(seen)")
            throw CocoaError(.fileReadUnknown)
        }
        let running = Running(process: p, base: String(seen[range]))
        servers.append(running)
        XCTAssertFalse(running.base.hasSuffix(":0"), "the real port is printed")
        return running
    }

    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// One request with curl; `headers` as "Name: value".
    func http(_ server: Running, _ method: String, _ path: String, body: String? = nil, headers: [String] = []) throws -> Reply {
        let bodyFile = self.path("reply-\(UUID().uuidString)"), headerFile = self.path("headers-\(UUID().uuidString)")
        var args = ["-s", "-X", method, "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}"]
        for h in headers { args += ["-H", h] }
        if let body {
            let input = try writeFile("body-\(UUID().uuidString)", body)
            args += ["-H", "Content-Type: application/json", "--data-binary", "@" + input]
        }
        let r = try run("curl", args + [server.base + path])
        let status = Int(r.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        var fields: [String: String] = [:]
        for line in (try? String(contentsOfFile: headerFile, encoding: .utf8))?.components(separatedBy: "\r\n") ?? [] {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: fields, body: (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? "")
    }

    /// `eplan users add NAME …` with the password on standard input.
    func addUser(_ db: String, _ name: String, _ args: [String]) throws {
        try withPasswordOnStdin(["users", "add", name, "--db", db, "--password-stdin"] + args, password)
    }

    /// `users passwd NAME --password-stdin` with `newPassword`.
    func changePassword(_ db: String, _ name: String, to newPassword: String) throws {
        try withPasswordOnStdin(["users", "passwd", name, "--db", db, "--password-stdin"], newPassword)
    }

    /// Runs eplan with `secret` on standard input; it must succeed without echoing it.
    func withPasswordOnStdin(_ args: [String], _ secret: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: eplanPath)
        p.arguments = args
        let input = Pipe(), out = Pipe()
        p.standardInput = input
        p.standardOutput = out
        try p.run()
        input.fileHandleForWriting.write(Data((secret + "\n").utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, said)
        XCTAssertFalse(said.contains(secret), "a password is never echoed")
    }

    func token(_ db: String, _ name: String) throws -> String {
        let r = try eplan(["tokens", "create", name, "--db", db])
        XCTAssertEqual(r.status, 0, r.err)
        return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func pinCount(_ db: String, _ code: String? = nil) throws -> Int {
        guard let code else { return try storedPinCount(db) }
        let store = try openStore(db, readOnly: true)
        return try store.pinHistory(projectCode: code).count
    }

    func basic(_ name: String, _ password: String) -> String {
        "Authorization: Basic " + Data("\(name):\(password)".utf8).base64EncodedString()
    }

    func assertProblem(_ r: Reply, _ status: Int, _ type: String, field: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, status, r.body, file: file, line: line)
        XCTAssertEqual(r.headers["content-type"], "application/problem+json", file: file, line: line)
        XCTAssertEqual(r.json["type"] as? String, "urn:eplan:problem:" + type, r.body, file: file, line: line)
        XCTAssertEqual(r.json["status"] as? Int, status, file: file, line: line)
        if let field { XCTAssertEqual(r.json["field"] as? String, field, r.body, file: file, line: line) }
        XCTAssertFalse(r.body.contains("SELECT") || r.body.contains("INSERT") || r.body.contains("SQL") || r.body.contains(".sqlite"),
                       "no SQL or file path in an answer", file: file, line: line)
    }
}
