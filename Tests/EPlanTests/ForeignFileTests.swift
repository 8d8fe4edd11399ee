import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanStore
#if canImport(Glibc)
import Glibc
#endif

/// Files that are not ours (issue 9): another program's database, a FIFO or device named as
/// the store or the output, links, and what killed processes leave behind.
final class ForeignFileTests: CLITestCase {
    /// The file's bytes and the names beside it: a refused command must change neither
    /// (no WAL switch, no -wal/-shm/-journal companions).
    func snapshot(_ file: String) throws -> (bytes: Data, names: [String]) {
        (try Data(contentsOf: URL(fileURLWithPath: file)), try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted())
    }

    /// Real files of other programs: ogr2ogr's SpatiaLite and GeoPackage, sqlite3's plain database,
    /// a text file and an empty one, each with the words the refusal must use.
    func foreignFiles() throws -> [(path: String, words: String)] {
        let amphoes = Self.takDir + "/tak-amphoe.geojson"
        let sl = path("other.sqlite"), gpkg = path("other.gpkg"), plain = path("plain.db")
        let a = try run("ogr2ogr", ["-f", "SQLite", "-dsco", "SPATIALITE=YES", sl, amphoes])
        XCTAssertEqual(a.status, 0, a.err)
        let b = try run("ogr2ogr", ["-f", "GPKG", gpkg, amphoes])
        XCTAssertEqual(b.status, 0, b.err)
        let c = try run("sqlite3", [plain, "CREATE TABLE t (x); INSERT INTO t VALUES (1);"])
        XCTAssertEqual(c.status, 0, c.err)
        let text = try writeFile("notes.txt", "this is a text file, not a database\n")
        let empty = try writeFile("empty.sqlite", "")
        return [(sl, "a SpatiaLite database not made by eplan"), (gpkg, "a GeoPackage"),
                (plain, "an SQLite database of another program"), (text, "not an SQLite database"),
                (empty, "an empty file")]
    }

    func testReadCommandsRefuseOtherProgramsFilesAndChangeNothing() throws {
        let out = path("out.geojson")
        for (file, words) in try foreignFiles() {
            for command in [["where", "16.7167, 98.5667"], ["export", "--out", out], ["audit", "pins"]] {
                let before = try snapshot(file)
                let r = try eplan(["--lang", "en"] + command + ["--db", file])
                XCTAssertEqual(r.status, 3, "\(command) on \(file): \(r.err)")
                XCTAssertTrue(r.err.contains(words) && r.err.contains(file), r.err)
                let after = try snapshot(file)
                XCTAssertEqual(before.bytes, after.bytes, "\(command) changed \(file)")
                XCTAssertEqual(before.names, after.names, "\(command) left files beside \(file)")
            }
            // Thai first, saying the same.
            let th = try eplan(["where", "16.7167, 98.5667", "--db", file])
            XCTAssertTrue(th.err.hasPrefix("ข้อผิดพลาด: "), th.err)
            // Writing commands and init --force refuse it too: --force replaces only an eplan
            // store (or an empty file, which is a new store to init).
            if words == "an empty file" { continue }
            let before = try snapshot(file)
            XCTAssertEqual(try eplan(["plans", "add", "03630601", "--years", "2563-2565", "--db", file]).status, 3)
            XCTAssertEqual(try eplan(["init", "--empty", "--force", "--db", file]).status, 3)
            // A "file:" URI (this SQLite reads them) is a plain name, not a way around the check.
            XCTAssertEqual(try eplan(["plans", "add", "03630601", "--years", "2563-2565", "--db", "file:" + file]).status, 3)
            XCTAssertEqual(before.bytes, try snapshot(file).bytes, "a write or init changed \(file)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testStorePathThatIsNoFileIsRefused() throws {
        let fifo = path("fifo.sqlite")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let cases: [(String, String)] = [(fifo, "named pipe (FIFO)"), (dir.path, "a directory"),
                                         ("/dev/null", "a device"), ("", "no database file named")]
        for (db, words) in cases {
            for command in [["where", "16.7167, 98.5667"], ["init", "--empty", "--force"]] {
                let r = try eplan(["--lang", "en"] + command + ["--db", db])
                XCTAssertEqual(r.status, 3, "\(command) --db '\(db)': \(r.err)")
                XCTAssertTrue(r.err.contains(words), r.err)
            }
        }
        let env = try eplan(["--lang", "en", "where", "16.7167, 98.5667"], env: ["EPLAN_DB": ""])
        XCTAssertEqual(env.status, 3, env.err)
        XCTAssertTrue(env.err.contains("EPLAN_DB"), env.err)
    }

    func testNewStoreCarriesTheMarker() throws {
        let db = try initStore(["--empty"])
        let d = try Database(path: db, readOnly: true)
        XCTAssertEqual(try d.applicationID(), StoreFile.applicationID)
        XCTAssertEqual(try d.applicationID(), 0x4550_4C4E)  // 'EPLN', as the README says
        // A zero-length file is a new store too (init over it, or a library create).
        let empty = try writeFile("empty.sqlite", "")
        XCTAssertEqual(try Store(path: empty).database.applicationID(), StoreFile.applicationID)
    }

    /// A store whose marker is still only in its WAL (killed before the first checkpoint):
    /// the header says application_id 0, the schema read through SQLite says ours.
    func testStoreWithItsMarkerOnlyInTheWALIsOurs() throws {
        let db = path("live.sqlite"), copy = path("copy.sqlite")
        let store = try Store(path: db)
        XCTAssertEqual(StoreFile.readHeader(db)?.applicationID, 0, "the migration is not checkpointed yet")
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        try FileManager.default.copyItem(atPath: db + "-wal", toPath: copy + "-wal")
        withExtendedLifetime(store) {}
        XCTAssertEqual(try StoreFile.identify(copy, create: false), .eplan)
        XCTAssertEqual(try Store(path: copy, readOnly: true, create: false).schemaVersion(), Store.latestVersion)
    }

    /// A store of an eplan from before the marker: application_id 0, its tables.
    func unmarkedStore(version: Int) throws -> String {
        let db = path("old-\(version).sqlite")
        _ = try Store(path: db, readOnly: false, create: true, migrations: Array(Store.migrations.prefix(version)))
        try Database(path: db).setApplicationID(0)
        return db
    }

    func testOlderEplanStoreIsRecognisedAndUpgraded() throws {
        // Step 2 (LAOs, projects, pins): a reading command upgrades it, marker included.
        let v2 = try unmarkedStore(version: 2)
        let r = try eplan(["laos", "list", "--db", v2])
        XCTAssertEqual(r.status, 0, r.err)
        let upgraded = try Database(path: v2, readOnly: true)
        XCTAssertEqual(try upgraded.userVersion(), Store.latestVersion)
        XCTAssertEqual(try upgraded.applicationID(), StoreFile.applicationID)

        // Step 4 (the last without the marker): upgraded by a read too (step 5 came with the marker).
        let v4 = try unmarkedStore(version: 4)
        XCTAssertEqual(try eplan(["audit", "pins", "--db", v4]).status, 0)
        XCTAssertEqual(try Database(path: v4, readOnly: true).userVersion(), Store.latestVersion)
        XCTAssertEqual(try Database(path: v4, readOnly: true).applicationID(), StoreFile.applicationID)
        XCTAssertEqual(try eplan(["settings", "set", "pin.tolerance_m", "40", "--db", v4]).status, 0)
    }

    func testLookAlikeIsNotTakenForAnOlderStore() throws {
        // user_version 4 and a `province` table, but not eplan's columns: someone else's.
        let fake = path("fake.sqlite")
        let c = try run("sqlite3", [fake, "CREATE TABLE province (code, name); PRAGMA user_version = 4;"])
        XCTAssertEqual(c.status, 0, c.err)
        let before = try snapshot(fake)
        let r = try eplan(["--lang", "en", "where", "16.7167, 98.5667", "--db", fake])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("an SQLite database of another program"), r.err)
        XCTAssertEqual(before.bytes, try snapshot(fake).bytes)
        // Another program's application id is named in the refusal.
        let tagged = path("tagged.sqlite")
        _ = try run("sqlite3", [tagged, "CREATE TABLE t (x); PRAGMA application_id = 1234;"])
        let t = try eplan(["--lang", "en", "where", "16.7167, 98.5667", "--db", tagged])
        XCTAssertEqual(t.status, 3, t.err)
        XCTAssertTrue(t.err.contains("0x000004D2"), t.err)
    }

    func testOutputFollowsLinksAndRefusesSpecialFiles() throws {
        let db = try initStore()
        // A link to the output: the link stays, its target gets the export.
        let target = try writeFile("real.geojson", "old")
        let link = path("link.geojson")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.geojson")
        XCTAssertEqual(try eplan(["export", "--db", db, "--out", link]).status, 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real.geojson")
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).contains("FeatureCollection"))
        // A dangling link: its target is created.
        let dangling = path("dangling.csv")
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "made.csv")
        XCTAssertEqual(try eplan(["projects", "template", "--out", dangling]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("made.csv")))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: dangling), "made.csv")

        // A device, a FIFO, a directory, or a link to one: refused (exit 1), left as they are.
        let fifo = path("out.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let devLink = path("null-link")
        try FileManager.default.createSymbolicLink(atPath: devLink, withDestinationPath: "/dev/null")
        for out in ["/dev/null", fifo, devLink, dir.path + "/"] {
            for command in [["export", "--db", db], ["projects", "template"], ["audit", "pins", "--db", db],
                            ["report", "status", "--province", "63", "--year", "2560", "--db", db]] {
                let r = try eplan(["--lang", "en"] + command + ["--out", out])
                XCTAssertEqual(r.status, 1, "\(command) --out \(out): \(r.err)")
                XCTAssertTrue(r.err.contains(out), r.err)
            }
        }
        var st = stat()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/null is still the device")
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: devLink), "/dev/null")
    }

    func testInitForceThroughALinkReplacesTheTarget() throws {
        let real = try initStore(["--empty"])
        let link = path("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let r = try eplan(["init", "--db", link, "--force", "--no-plan"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), real)
        XCTAssertEqual(try Store(path: real, readOnly: true, create: false).count(level: .tambon), 63)
    }

    /// The old store's WAL must not be laid over the new file: a -wal with committed frames
    /// (as a killed process leaves it) is folded into the OLD store and goes with it.
    func testInitForceLeavesNoOldWALForTheNewStore() throws {
        let db = try initStore(["--empty"])
        let keep = path("kept-wal")
        do {
            let old = try Database(path: db)
            try old.execute("PRAGMA wal_autocheckpoint = 0; INSERT INTO setting (key, value) VALUES ('old', 'x')")
            try FileManager.default.copyItem(atPath: db + "-wal", toPath: keep)
        }
        // The connection has closed (WAL folded in and removed): put the frames back.
        try? FileManager.default.removeItem(atPath: db + "-wal")
        try FileManager.default.copyItem(atPath: keep, toPath: db + "-wal")
        let r = try eplan(["init", "--db", db, "--force", "--empty"])
        XCTAssertEqual(r.status, 0, r.err)
        let fresh = try Database(path: db, readOnly: true)
        XCTAssertEqual(try fresh.scalar("PRAGMA integrity_check"), .text("ok"))
        XCTAssertEqual(try fresh.scalar("SELECT count(*) FROM setting WHERE key = 'old'"), .integer(0))
    }

    func testInitForceRefusesAStoreInUse() throws {
        let db = try initStore(["--empty"])
        let other = try Database(path: db)  // another process's connection, idle
        _ = try other.scalar("SELECT count(*) FROM setting")
        let r = try eplan(["--lang", "en", "init", "--db", db, "--force", "--empty"])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("busy"), r.err)
        XCTAssertEqual(try other.scalar("PRAGMA integrity_check"), .text("ok"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".init-") }
        XCTAssertEqual(leftovers, [])
    }

    /// A process id that no process has now: a child that has exited.
    func deadPID() throws -> pid_t {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        XCTAssertFalse(StaleFiles.isAlive(p.processIdentifier))
        return p.processIdentifier
    }

    func testLeftoversOfKilledProcessesAreRemovedOnTheNextRun() throws {
        let db = try initStore(["--empty"])
        let dead = try deadPID(), live = getpid()  // the test itself is alive
        let base = (db as NSString).lastPathComponent
        let deadInit = ["", "-wal", "-shm", "-journal"].map { "\(base).init-\(dead)\($0)" }
        let liveInit = ["", "-wal"].map { "\(base).init-\(live)\($0)" }
        let deadTmp = [".out.geojson.\(dead).eplan-tmp", ".report.csv.\(dead).eplan-tmp"]
        let liveTmp = [".out.geojson.\(live).eplan-tmp"]
        let unrelated = ["\(base).init-notapid", ".out.geojson.\(dead).other", "\(base).init-\(dead)-x",
                         "out.geojson.\(dead).eplan-tmp", ".x.eplan-tmp", "..eplan-tmp"]
        for name in deadInit + liveInit + deadTmp + liveTmp + unrelated {
            _ = try writeFile(name, "left by a killed process")
        }
        // Any command on the store clears what a killed init or export left beside it.
        XCTAssertEqual(try eplan(["laos", "list", "--db", db]).status, 0)
        var names = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        for gone in deadInit + deadTmp { XCTAssertFalse(names.contains(gone), "\(gone) should be removed") }
        for kept in liveInit + liveTmp + unrelated { XCTAssertTrue(names.contains(kept), "\(kept) must stay") }

        // An atomic write elsewhere clears its directory's dead temporaries too.
        let other = dir.appendingPathComponent("elsewhere").path
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let stale = other + "/.plan.csv.\(dead).eplan-tmp", alive = other + "/.plan.csv.\(live).eplan-tmp"
        for f in [stale, alive] { try "partial".write(toFile: f, atomically: false, encoding: .utf8) }
        XCTAssertEqual(try eplan(["projects", "template", "--out", other + "/plan.csv"]).status, 0)
        names = Set(try FileManager.default.contentsOfDirectory(atPath: other))
        XCTAssertFalse(names.contains((stale as NSString).lastPathComponent))
        XCTAssertTrue(names.contains((alive as NSString).lastPathComponent))
        XCTAssertTrue(names.contains("plan.csv"))
    }

    func testStaleFileNamesAreReadStrictly() {
        XCTAssertEqual(StaleFiles.pid(in: "s.sqlite.init-123-wal", prefix: "s.sqlite.init-", suffixes: ["", "-wal"]), 123)
        XCTAssertEqual(StaleFiles.pid(in: "s.sqlite.init-123", prefix: "s.sqlite.init-", suffixes: ["", "-wal"]), 123)
        XCTAssertNil(StaleFiles.pid(in: "s.sqlite.init--wal", prefix: "s.sqlite.init-", suffixes: ["", "-wal"]))
        XCTAssertNil(StaleFiles.pid(in: "s.sqlite.init-12x", prefix: "s.sqlite.init-", suffixes: ["", "-wal"]))
        XCTAssertNil(StaleFiles.pid(in: "t.sqlite.init-12", prefix: "s.sqlite.init-", suffixes: [""]))
        XCTAssertNil(StaleFiles.pid(in: "s.sqlite.init-99999999999999", prefix: "s.sqlite.init-", suffixes: [""]))
        XCTAssertTrue(StaleFiles.isAlive(getpid()))
    }
}
