import BSCApp
import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// The front desk's effects, performed on the desk at the edge of the app
/// (the app loop calls it; screens only name what they want).
public struct DeskEffects: EffectRunner {
    let session: DeskSession

    public init(session: DeskSession) { self.session = session }

    public func perform(_ effect: ScreenEffect) -> Message? {
        let desk = session.desk
        switch effect {
        case .recordView(let ref):
            // A failure to record (a locked journal) does not stop the
            // agent reading the ticket.
            try? desk.recordView(ref)
            return nil
        case .exportMetrics(let period, let by, let path):
            // The data directory's exports/ is made on first use; any
            // other folder must exist.
            let dir = desk.data.path + "/exports"
            if path.hasPrefix(dir + "/"), mkdir(dir, 0o700) != 0 && errno != EEXIST {
                return Message(.error, "cannot create \(terminalSafe(dir))")
            }
            do {
                let q = try desk.metricsQuery(period: period, from: nil, to: nil, by: by, series: nil)
                try desk.exportMetrics(try desk.metricsReport(q), format: .csv, to: path, bom: false)
                return Message(.success, "exported \(terminalSafe(path)) (definitions beside it)")
            } catch {
                return Message(.error, error.message)
            }
        }
    }
}
