import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

/// `eplan store copy FROM TO`: one store into another, between backends (SQLite ↔
/// PostgreSQL), all or nothing, every table with its rows as they are (ids, time stamps,
/// logs and accounts too).
struct StoreCommands: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "store",
                             abstract: t("จัดการฐานข้อมูล: คัดลอกระหว่าง SQLite และ PostgreSQL", "manage stores: copy between SQLite and PostgreSQL"),
                             subcommands: [Copy.self])
    }

    struct Copy: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "copy",
                                 abstract: t("คัดลอกฐานข้อมูลทั้งหมด (ไฟล์ SQLite หรือ postgresql://…) ไปยังฐานข้อมูลใหม่ ทั้งหมดหรือไม่เลย",
                                             "copy a whole store (an SQLite file or postgresql://…) into a new one, all or nothing"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ฐานข้อมูลต้นทาง", "the store to copy"))) var from: String
        @Argument(help: ArgumentHelp(t("ฐานข้อมูลปลายทาง (ไฟล์ที่ยังไม่มี หรือฐานข้อมูล PostgreSQL ที่ยังไม่มีข้อมูล eplan)",
                                       "the new store (a file that does not exist yet, or a PostgreSQL database without an eplan store)")))
        var to: String
        @Flag(name: .long, help: ArgumentHelp(t("แทนที่ข้อมูล eplan ที่มีอยู่ในปลายทาง", "replace an eplan store already at the target")))
        var force = false

        func run() throws {
            let source = try StoreLocation.parse(from), target = try StoreLocation.parse(to)
            guard source != target else {
                throw CLIError(Message(th: "ต้นทางและปลายทางเป็นฐานข้อมูลเดียวกัน", en: "the source and the target are the same store"))
            }
            guard let reader = try source.open(readOnly: true) as? StoreTables else {
                throw CLIError(Message(th: "อ่านตารางของ \(source.display) เพื่อคัดลอกไม่ได้", en: "cannot read the tables of \(source.display) to copy them"))
            }
            let counts: [(table: String, rows: Int)]
            switch target {
            case .postgres(let p):
                var copied: [(table: String, rows: Int)] = []
                _ = try PostgresStore.create(at: p, force: force) { store in copied = try StoreCopy.copy(from: reader, to: store) }
                counts = copied
            case .sqlite(let path):
                counts = try copyToFile(reader, path)
            }
            for c in counts where c.rows > 0 {
                print(t("  \(c.table): \(ThaiText.grouped(Int64(c.rows))) แถว", "  \(c.table): \(ThaiText.grouped(Int64(c.rows))) rows"))
            }
            let total = Int64(counts.reduce(0) { $0 + $1.rows })
            print(t("คัดลอก \(ThaiText.grouped(total)) แถวจาก \(source.display) ไปยัง \(target.display)",
                    "copied \(ThaiText.grouped(total)) rows from \(source.display) to \(target.display)"))
        }

        /// Builds the SQLite copy beside its path and renames it into place once complete.
        private func copyToFile(_ reader: any StoreTables, _ path: String) throws -> [(table: String, rows: Int)] {
            let target = try Init.target(of: path)
            if FileManager.default.fileExists(atPath: target) && !force {
                throw CLIError(Message(th: "มีฐานข้อมูล \(path) อยู่แล้ว ใช้ --force เพื่อแทนที่", en: "\(path) already exists; use --force to replace it"))
            }
            if FileManager.default.fileExists(atPath: target) { _ = try StoreFile.identify(target, create: true) }
            let building = target + ".init-\(getpid())"
            let remove = { for s in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: building + s) } }
            remove()
            do {
                let counts = try {
                    let store = try Store(path: building, readOnly: false, create: true)
                    return try store.transaction { try StoreCopy.copy(from: reader, to: store) }
                }()
                try StoreSwap.replace(target, with: building)
                return counts
            } catch {
                remove()
                throw error
            }
        }
    }
}
