import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Init: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "init", abstract: t("สร้างฐานข้อมูลใหม่และโหลดข้อมูลตั้งต้น (ขอบเขตและ อปท. จังหวัดตาก)",
                                         "create a new store and load the default data (Tak's boundaries and LAOs)"))
    }

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: ArgumentHelp(t("สร้างฐานข้อมูลเปล่า ไม่โหลดข้อมูลตั้งต้น", "create an empty store, load nothing")))
    var empty = false

    @Flag(name: .long, help: ArgumentHelp(t("โหลดขอบเขตทั้งประเทศแทนจังหวัดตาก", "load all of Thailand's boundaries instead of Tak's")))
    var national = false

    @Flag(name: .long, help: ArgumentHelp(t("ลบฐานข้อมูลเดิมที่มีอยู่แล้วสร้างใหม่", "delete an existing store and create it anew")))
    var force = false

    @Option(name: .long, help: ArgumentHelp(t("โฟลเดอร์ข้อมูลตั้งต้น", "folder of the default data")))
    var geodata: String?

    @Flag(name: .long, help: ArgumentHelp(t("ไม่โหลดแผนพัฒนา 2560–2562 (ข้อมูลสังเคราะห์) ของ อปท. จังหวัดตาก",
                                            "do not load Tak's (synthetic) 2560–2562 development-plan projects")))
    var noPlan = false

    func run() throws {
        if case .postgres(let location) = try global.location { return try initPostgres(location) }
        let path = global.databasePath
        let target = try Init.target(of: path)
        let exists = FileManager.default.fileExists(atPath: target)
        if exists && !force {
            throw CLIError(Message(th: "มีฐานข้อมูล \(path) อยู่แล้ว ใช้ --force เพื่อสร้างใหม่ (ข้อมูลเดิมจะถูกลบ)",
                                   en: "\(path) already exists; use --force to create it anew (its data will be deleted)"))
        }
        // --force replaces an eplan store (or an empty file), never another program's file.
        if exists { _ = try StoreFile.identify(target, create: true) }
        // Find the data first, and build the new store beside the old one: the old store is
        // replaced (one rename) only once the new one is complete, so a failure loses nothing
        // and a concurrent command sees the old store or the new one, never none.
        let dir = empty ? nil : try DefaultData.locate(explicit: geodata)
        StaleFiles.removeInitLeftovers(of: target)
        let building = target + ".init-\(getpid())"
        removeFiles(building)
        do {
            let version = try load(into: building, from: dir)
            try StoreSwap.replace(target, with: building)
            print(t("สร้างฐานข้อมูล \(path) (schema รุ่น \(version))", "created \(path) (schema version \(version))"))
        } catch {
            removeFiles(building)
            throw error
        }
    }

    /// The file `--db` finally names (links followed: the link stays, its target is replaced);
    /// a directory, device or FIFO is refused as the store is everywhere (exit 3).
    static func target(of path: String) throws -> String {
        guard !path.isEmpty else { throw StoreError(.notAStore(path: path, what: .noPath)) }
        guard let target = AtomicFile.resolvingLinks(path) else {
            throw FileError.unwritable(path: path, detail: t("ลิงก์สัญลักษณ์วนซ้ำ", "too many levels of symbolic links"))
        }
        var st = stat()
        if stat(target, &st) == 0 { try StoreFile.refuseNonRegular(path, mode: st.st_mode) }
        return target
    }

    /// `init` on PostgreSQL: the schema and the default data in one transaction (see
    /// `PostgresStore.create`); an existing store is replaced only with --force.
    private func initPostgres(_ location: PostgresLocation) throws {
        let dir = empty ? nil : try DefaultData.locate(explicit: geodata)
        let version = try PostgresStore.create(at: location, force: force) { store in
            if let dir { try load(store, from: dir) }
        }
        print(t("สร้างฐานข้อมูล \(location.display) (schema รุ่น \(version))", "created \(location.display) (schema version \(version))"))
    }

    /// Creates the store at `path` and loads the default data through the public importers;
    /// returns the schema version. The store is closed (WAL folded in) when this returns.
    private func load(into path: String, from dir: String?) throws -> Int {
        let store = try Store(path: path, readOnly: false, create: true)
        let version = try store.schemaVersion()
        guard let dir else { return version }
        try load(store, from: dir)
        return version
    }

    /// The default data through the public importers, on either backend.
    private func load(_ store: any EPlanStoring, from dir: String) throws {
        let importer = BoundaryImporter(store: store, geos: GEOSContext(), proj: try PROJContext())
        for (level, file) in DefaultData.boundaryFiles(in: dir, national: national) {
            let report = try importer.importFile(path: file, level: level, progress: Progress.reporter(level: level))
            Progress.finish()
            printImportSummary(report)
        }
        // Tak's LAOs, with --national too (they are Tak's), through the public importer.
        let laos = DefaultData.laoFiles(in: dir)
        let report = try LAORegistryImporter(store: store, geos: GEOSContext())
            .importFile(path: laos.registry, areasPath: laos.areas)
        printLAOImportSummary(report)
        // Their 2560–2562 plan (synthetic projects, the seed's counts), through the public import.
        if !noPlan {
            let plan = try ProjectImporter(store: store).importFile(path: DefaultData.planFile(in: dir), by: "init")
            print(t("นำเข้าโครงการ \(ThaiText.grouped(Int64(plan.inserted))) โครงการ (ข้อมูลสังเคราะห์ จำนวนตามรายงาน ณ 03/10/2559) จาก \(plan.path)",
                    "imported \(ThaiText.grouped(Int64(plan.inserted))) projects (synthetic; the counts of the 03/10/2559 report) from \(plan.path)"))
        }
    }
}

/// Removes a store file with its SQLite companions.
private func removeFiles(_ p: String) {
    for s in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: p + s) }
}

/// Puts a newly built store in place of the old one with a single rename, so the path
/// always names a whole store. The old store's WAL must not outlive it: SQLite finds the
/// -wal by name and would lay the old store's pages over the new file. So the old store is
/// first checkpointed and switched out of WAL (this needs every other connection closed:
/// a store in use is refused, exit 3), and kept locked (EXCLUSIVE) until the rename is done.
enum StoreSwap {
    static func replace(_ target: String, with built: String) throws {
        var st = stat()
        guard stat(target, &st) == 0, st.st_size > 0 else {
            // No old store: only companions a deleted store left behind, which no one can be using.
            for s in ["-wal", "-shm", "-journal"] { unlink(target + s) }
            try move(built, target)
            return
        }
        try StoreFile.whileReplacing(target) { try move(built, target) }
    }

    private static func move(_ from: String, _ to: String) throws {
        guard rename(from, to) == 0 else {
            throw FileError.unwritable(path: to, detail: String(cString: strerror(errno)))
        }
    }
}

func printImportSummary(_ report: BoundaryImportReport) {
    print(t("นำเข้า\(report.level.label.th) \(report.featureCount) รายการ จาก \(report.source)",
            "imported \(report.featureCount) \(report.level.label.en) units from \(report.source)"))
    for f in report.invalid {
        let loc = f.location.map { String(format: " @ %.6f, %.6f", $0.x, $0.y) } ?? ""
        print(t("  ⚠ รูปเรขาคณิตไม่ถูกต้อง #\(f.featureIndex + 1) รหัส \(f.code): \(ValidityReason.message(f.reason).th)\(loc) (นำเข้าและทำเครื่องหมายไว้)",
                "  ⚠ invalid geometry #\(f.featureIndex + 1) code \(f.code): \(f.reason)\(loc) (imported, flagged)"))
    }
}

/// A user-facing error raised by the command line itself.
struct CLIError: UserFacingError {
    let message: Message
    init(_ message: Message) { self.message = message }
}

/// Progress on long work, on standard error and only when it is a terminal.
enum Progress {
    static let isTerminal = isatty(2) == 1

    static func reporter(level: BoundaryLevel) -> ((Int, Int) -> Void)? {
        guard isTerminal else { return nil }
        return { done, total in
            let text = t("ตรวจ\(level.label.th) \(done)/\(total)", "checking \(level.label.en) \(done)/\(total)")
            Output.writeError("\r" + text)
        }
    }

    static func finish() {
        if isTerminal { Output.writeError("\r\u{1B}[K") }
    }
}
