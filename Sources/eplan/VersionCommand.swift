import ArgumentParser
import EPlanApp
import EPlanDomain

struct Version: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "version", abstract: t("รุ่นของโปรแกรมและไลบรารี GEOS, PROJ, SQLite", "versions of eplan and of GEOS, PROJ and SQLite"))
    }

    @OptionGroup var global: GlobalOptions

    func run() throws {
        print("eplan \(EPlanVersion.string)")
        print("GEOS \(GEOSContext.version())")
        print("PROJ \(PROJContext.version())")
        print("SQLite \(Database.sqliteVersion)")
        print("schema \(Store.latestVersion)")
    }
}
