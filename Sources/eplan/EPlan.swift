import ArgumentParser
import EPlanApp
import EPlanDomain
#if canImport(Glibc)
import Glibc
#endif

/// Exit codes (documented in the README).
enum ExitStatus: Int32 {
    case ok = 0
    case inputError = 1        // a bad coordinate, file, field or value
    case storeError = 3        // the database cannot be opened, read or written
    case outside = 4           // the location lies outside (where: outside every unit)
    case findings = 5          // an audit found problems
    case internalError = 70
    case outputError = 74      // output could not be written (EX_IOERR): a full disk, a closed stream or pipe
}

@main
struct EPlan: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "eplan",
            abstract: t("บริการพิกัดโครงการ e-Plan: ปักหมุดโครงการ ตรวจกับเขตพื้นที่ ส่งออก GeoJSON",
                        "e-Plan project-coordinate service: pin projects, check them against boundaries, export GeoJSON"),
            discussion: t("ใช้ได้กับทุกคำสั่ง: --db PATH หรือ postgresql://ผู้ใช้@เครื่อง/ฐานข้อมูล (ค่าเริ่มต้น ./eplan.sqlite หรือ $EPLAN_DB), --lang th|en",
                          "Every command takes --db PATH or postgresql://user@host/dbname (default ./eplan.sqlite, or $EPLAN_DB) and --lang th|en"),
            version: EPlanVersion.string,
            subcommands: [Init.self, Boundaries.self, Laos.self, Plans.self, Projects.self, PinCommand.self, Pins.self,
                          Where.self, Export.self, Report.self, Audit.self, Settings.self, Serve.self, Users.self, Tokens.self, StoreCommands.self, Version.self])
    }

    static func main() {
        Output.prepare()
        // --lang and --db are global: they may stand anywhere, before or after the
        // subcommand, so they are taken out before the parser sees the words.
        let (arguments, language, db) = GlobalOptions.extractGlobals(CoordinateParser.shieldingLeadingMinus(Array(CommandLine.arguments.dropFirst())))
        Language.current = language ?? GlobalOptions.languageFromEnvironment() ?? .th
        GlobalOptions.databaseOverride = db
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Output.finish(ExitStatus.ok.rawValue)
        } catch let error as UserFacingError {
            // A closed pipe on an export's standard output is said by the status alone, as
            // for every other command (see Output.finish).
            if !Output.isClosedPipe(error) { printError(error.message.text()) }
            Output.finish(exitCode(for: error).rawValue)
        } catch let error as EPlanExit {
            Output.finish(error.status.rawValue)
        } catch {
            // Anything else that is not the parser's own (help, unknown option, missing
            // argument) is a bug of ours: say so, with exit 70 as the README promises.
            guard isParserError(error) else {
                printError(t("ข้อผิดพลาดภายในโปรแกรม (โปรดแจ้งผู้พัฒนา): \(error)",
                             "internal error (please report it): \(error)"))
                Output.finish(ExitStatus.internalError.rawValue)
            }
            reportParserError(error)
        }
    }

    /// Help, version and command-line mistakes, written through the checked writer (the
    /// parser's own `exit(withError:)` prints with stdio and ignores a failed write).
    /// The parser's words are English; in Thai mode say in Thai what went wrong and where
    /// to look, keeping its detail.
    static func reportParserError(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if Language.current == .th, code != .success {
            printError("บรรทัดคำสั่งไม่ถูกต้อง: \(message(for: error))\nดูวิธีใช้: eplan --help หรือ eplan <คำสั่ง> --help")
        } else {
            let text = fullMessage(for: error)
            if !text.isEmpty { code == .success ? print(text) : printNote(text) }
        }
        Output.finish(code.rawValue)
    }

    /// The exit code of a failure, from the one classification every front door shares.
    static func exitCode(for error: UserFacingError) -> ExitStatus {
        switch AppError.classify(error).kind {
        case .store: return .storeError
        case .output: return .outputError
        case .internalError: return .internalError
        case .badInput, .notFound, .forbidden: return .inputError
        }
    }

    /// Errors swift-argument-parser raises itself (its command errors are internal types).
    static func isParserError(_ error: Error) -> Bool {
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

/// Thrown by a command that has already said what it had to say and only needs to end
/// with a particular status.
struct EPlanExit: Error { var status: ExitStatus }

/// Thai first; English with `--lang en`.
func t(_ th: String, _ en: String) -> String { Language.current == .th ? th : en }

func printError(_ text: String) {
    Output.writeError(t("ข้อผิดพลาด: ", "error: ") + text + "\n")
}

func printNote(_ text: String) {
    Output.writeError(text + "\n")
}

enum EPlanVersion {
    static let string = "0.1.0"
}

import Foundation
