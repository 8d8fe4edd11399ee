/// Writes a whole text file (reports, audits, templates) the way exports are written:
/// through `ExportOutput`, the one owner of the temporary-file-then-rename logic — a
/// temporary file beside the target, fsynced, renamed over it — so a failure leaves no
/// partial file and an existing file as it was.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let out = try ExportOutput.atomicFile(path)
        do {
            out.writer.append(Array(text.utf8))
            try out.commit()
        } catch {
            out.discard()
            throw error
        }
    }
}
