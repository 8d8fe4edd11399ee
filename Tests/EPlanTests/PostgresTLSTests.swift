import Foundation
import XCTest
@testable import EPlanDomain

/// TLS to PostgreSQL as libpq's `sslmode` names it, against a throwaway cluster of its own
/// that listens on 127.0.0.1 with a self-signed certificate (made here with openssl) and
/// whose pg_hba.conf refuses any connection without TLS. Skipped without PostgreSQL 15's
/// binaries or openssl.
final class PostgresTLSTests: CLITestCase {
    static let pgbin = "/usr/lib/postgresql/15/bin"
    var cluster: String?

    override func tearDownWithError() throws {
        if let cluster {
            _ = try? runCapturingInFiles("/bin/sh", ["-c", Self.asOwner("\(Self.pgbin)/pg_ctl -D \(cluster)/data -m immediate -w stop") + " >/dev/null 2>&1; rm -rf \(cluster)"])
        }
        try super.tearDownWithError()
    }

    /// A command run as the cluster's owner (postgres when the tests run as root).
    static func asOwner(_ command: String) -> String {
        getuid() == 0 ? "su postgres -s /bin/sh -c '\(command)'" : command
    }

    /// Starts the cluster; returns its port.
    func startTLSCluster() throws -> Int {
        guard FileManager.default.isExecutableFile(atPath: "\(Self.pgbin)/initdb"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            throw XCTSkip("no PostgreSQL 15 binaries or openssl (scripts/setup installs them)")
        }
        let d = "/tmp/eplan-tls-\(UUID().uuidString.prefix(8))"
        cluster = d
        let port = Int.random(in: 20_000...60_000)
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "postgres"
        let script = """
            set -e
            install -d -m 755 \(d); install -d -m 700 \(d)/data
            if [ "$(id -u)" -eq 0 ]; then chown postgres \(d) \(d)/data; fi
            \(Self.asOwner("\(Self.pgbin)/initdb -D \(d)/data -A trust -U \(user) -E UTF8 --no-sync")) >\(d)/initdb.log 2>&1
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \\
              -keyout \(d)/data/server.key -out \(d)/data/server.crt >/dev/null 2>&1
            cp \(d)/data/server.crt \(d)/root.crt
            chmod 600 \(d)/data/server.key
            if [ "$(id -u)" -eq 0 ]; then chown postgres \(d)/data/server.key \(d)/data/server.crt; fi
            printf 'local all all trust\\nhostssl all all 127.0.0.1/32 trust\\nhostnossl all all 127.0.0.1/32 reject\\n' > \(d)/data/pg_hba.conf
            printf "port = \(port)\\nlisten_addresses = '127.0.0.1'\\nunix_socket_directories = '\(d)'\\nssl = on\\nfsync = off\\n" >> \(d)/data/postgresql.conf
            # Foundation's Process learns that its child ended when a socket the child inherited
            # closes: the server must not inherit it (or any other descriptor of this process).
            ( for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
              \(Self.asOwner("\(Self.pgbin)/pg_ctl -D \(d)/data -l \(d)/server.log -w start")) ) >/dev/null 2>&1
            \(Self.pgbin)/createdb -h \(d) -p \(port) eplan_tls
            """
        let r = try runCapturingInFiles("/bin/bash", ["-c", script])
        guard r.status == 0 else {
            XCTFail("could not start a TLS cluster: \(r.err) \((try? String(contentsOfFile: "\(d)/server.log", encoding: .utf8)) ?? "")")
            throw CocoaError(.executableLoad)
        }
        return port
    }

    func testSSLModesConnectVerifyAndRefuse() throws {
        let port = try startTLSCluster()
        let d = try XCTUnwrap(cluster)
        let base = "postgresql://localhost:\(port)/eplan_tls"
        func attempt(_ query: String, status: Int32 = 3) throws -> String {
            let r = try eplan(["--lang", "en", "projects", "list", "--db", base + query])
            XCTAssertEqual(r.status, status, "\(query): \(r.out)\(r.err)")
            return r.err
        }
        // Connected and queried (over TLS: the server refuses anything else): the database is empty.
        for query in ["?sslmode=require", "?sslmode=verify-ca&sslrootcert=\(d)/root.crt", "?sslmode=verify-full&sslrootcert=\(d)/root.crt"] {
            XCTAssertTrue(try attempt(query).contains("holds no eplan store"), query)
        }
        // Without TLS the server refuses; a certificate no trusted authority signed is refused by eplan.
        for query in ["?sslmode=disable", "?sslmode=verify-full"] {
            let err = try attempt(query)
            XCTAssertFalse(err.contains("holds no eplan store"), "\(query): \(err)")
            XCTAssertFalse(err.isEmpty)
        }
        // The refusal says why: the server's certificate was not verified.
        XCTAssertTrue(try attempt("?sslmode=verify-full").contains("CERTIFICATE_VERIFY_FAILED"))
        // An sslmode libpq does not know is a bad --db value (exit 1), not a store that cannot be reached.
        XCTAssertTrue(try attempt("?sslmode=sometimes", status: 1).contains("unknown sslmode=sometimes"))
        // A whole store over verified TLS.
        let url = base + "?sslmode=verify-full&sslrootcert=\(d)/root.crt"
        let created = try eplan(["init", "--db", url, "--no-plan"])
        XCTAssertEqual(created.status, 0, created.err)
        let listed = try eplan(["laos", "list", "--db", url])
        XCTAssertEqual(listed.status, 0, listed.err)
        XCTAssertFalse(listed.out.isEmpty)
    }
}
