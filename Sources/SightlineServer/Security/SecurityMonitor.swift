import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import SightlineCore
import SightlineDetection
import Synchronization

/// Runs the behavioural detectors over every stored batch and keeps their incidents in
/// `<data-dir>/incidents.json`.
///
/// Invariants:
/// - Detectors see events in the order the store applier stores them, with their (inferred)
///   route, on this service's own task: the applier queues each stored batch (``enqueue(_:)``,
///   at most ``queueLimit`` batches wait; a full queue holds the applier back, nothing is
///   dropped) and goes on storing. At shutdown the queue is drained before the service returns
///   (it is listed before the applier, so it stops after it). Their state is bounded by
///   ``DetectionConfiguration``.
/// - The incident list is saved atomically (temporary file, then rename) off the store
///   applier's task: at most once per ``saveDelay`` after batches that produced detections
///   (coalesced), right away when an incident changes status, and at shutdown; it is restored at
///   start. Detector windows are not saved: after a restart they fill again from new traffic, and
///   a crash can lose the detections of the last second (never stored events).
/// - Log lines name detectors and entity kinds, never payloads.
public final class SecurityMonitor: Service, Sendable {
    public let engine: DetectionEngine
    let file: URL
    let logger: Logger
    /// How long detections wait to be saved, so that a burst of batches is saved once.
    static let saveDelay: DispatchTimeInterval = .seconds(1)
    private let saveQueue = DispatchQueue(label: "sightline.incidents.save")
    private let saveScheduled = Mutex(false)
    /// Stored batches waiting for the detectors.
    static let queueLimit = 2
    private let queue = BatchQueue<[Event]>(limit: SecurityMonitor.queueLimit)
    /// Batches queued and not yet processed (queued, or being processed).
    private let pending = Atomic<Int>(0)

    init(file: URL, logger: Logger) {
        self.file = file
        self.logger = logger
        engine = DetectionEngine()
        if let data = try? Data(contentsOf: file) {
            do {
                let snapshot = try JSONDecoder().decode(IncidentSnapshot.self, from: data)
                engine.withTracker { $0 = IncidentTracker(snapshot: snapshot) }
            } catch {
                logger.warning("the saved incidents are unreadable; starting with none", metadata: ["file": "\(file.path)"])
            }
        }
    }

    /// Queues one stored batch for the detectors; waits while the queue is full.
    func enqueue(_ events: [Event]) async {
        pending.add(1, ordering: .relaxed)
        await queue.push(events)
    }

    /// Whether every queued batch has been processed (for tests and shutdown checks).
    public var isIdle: Bool { pending.load(ordering: .relaxed) == 0 }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while let batch = await queue.pop() {
                process(batch)
                pending.subtract(1, ordering: .relaxed)
            }
        } onGracefulShutdown: {
            Task { await self.queue.finish() }
        }
    }

    /// Feeds one stored batch to the detectors, now.
    func process(_ events: [Event]) {
        let detections = engine.process(events)
        guard !detections.isEmpty else { return }
        for detection in detections.prefix(20) {
            logger.notice("security detection", metadata: [
                "detector": "\(detection.detector.rawValue)", "entity.kind": "\(detection.entity.kind.rawValue)",
                "severity": "\(detection.severity.rawValue)",
            ])
        }
        scheduleSave()
    }

    /// Saves within ``saveDelay``, on the save queue; one save covers every batch until then.
    private func scheduleSave() {
        let alreadyScheduled = saveScheduled.withLock { scheduled in
            defer { scheduled = true }
            return scheduled
        }
        guard !alreadyScheduled else { return }
        saveQueue.asyncAfter(deadline: .now() + Self.saveDelay) {
            self.saveScheduled.withLock { $0 = false }
            self.write()
        }
    }

    /// Changes an incident's status; `false` when there is no such incident.
    func setStatus(_ status: IncidentStatus, id: String) -> Bool {
        let changed = engine.withTracker { tracker in
            switch status {
            case .acknowledged: return tracker.acknowledge(id: id)
            case .resolved: return tracker.resolve(id: id)
            case .open: return false
            }
        }
        if changed { save() }
        return changed
    }

    /// Saves now, after any save already queued (at shutdown, after a status change).
    func save() {
        saveQueue.sync { write() }
    }

    private func write() {
        do {
            let data = try JSONEncoder().encode(engine.snapshot())
            try data.write(to: file, options: .atomic)
        } catch {
            logger.warning("could not save the incidents", metadata: ["error": "\(type(of: error))"])
        }
    }
}
