import BSCCore
import BSCJournal

/// Decrypting a replay on the decoding threads. Decryption is most of an
/// encrypted replay's work and needs nothing from the fold, only the keys
/// as loaded and who is reading: so it runs where lines are decoded, in
/// parallel, and the fold gets events it can apply as they are. What the
/// decoding threads cannot settle (a key not in the table, an event of a
/// restricted journal) is left to `Desk.decrypted` on the fold's thread.
struct FoldDecryption: Sendable {
    let keys: KeyTable
    let indexKey: DataKey?
    /// Restricted queues whose content this reader may see (none for the
    /// snapshot's projection, which holds only what everyone may see).
    let readableQueues: Set<String>
    /// The reader's login: a writer outside a restricted team still sees
    /// what it wrote itself. nil for the snapshot's projection.
    let login: String?

    func prepare(_ d: inout EventDecoder.Decoded) {
        // Fields read one by one: copying the whole event out retained and
        // released every string in it, once per event.
        // A parallel replay leaves the blob in the line (`encBytes`).
        let blob = d.encBytes
        guard blob != nil || d.event.enc != nil else {
            // Restricted journals' content is matched by id on the fold.
            guard d.event.sealed == nil else { return }
            if Desk.needsLegacyIndex(d.event), let ix = indexKey {
                let e = d.event
                d.event = (try? Desk.encrypt(e, key: nil, indexKey: ix).plain) ?? e
            }
            d.prepared = true
            return
        }
        switch d.event.body {
        case .noted, .resolved, .reopened:
            // The projection keeps none of their content: decrypted when shown.
            d.prepared = true
            return
        default: break
        }
        let ref = d.event.ref
        switch keys.entry(ref) {
        case .key(let queue):
            if let queue, !(readableQueues.contains(queue) || d.event.user == login) {
                d.prepared = true
                return
            }
            let type = d.event.type
            let enc = d.event.enc
            guard let opened = keys.withKey(ref, { key in
                if let blob { return ContentCipher.open(blob.bytes, keyBytes: key, ref: ref, type: type) }
                return ContentCipher.open(enc ?? "", keyBytes: key, ref: ref, type: type)
            }) else { return }
            let sealed = d.event.body
            if let content = opened {
                d.event.body = Sealing.unseal(sealed, content)
            } else {
                d.event = Desk.placeholder(d.event, Desk.unreadableText)
            }
            d.sealedBody = sealed
            d.prepared = true
        case .erased:
            d.event = Desk.placeholder(d.event, Desk.erasedText)
            d.prepared = true
        case .unknown:
            // Opened by another process since the keys were read: the fold
            // asks the key store, which reads the bucket again.
            return
        }
    }

    /// Folds a prepared event: as it is, unless the projection so far
    /// says its ticket is restricted (the key has not moved yet) and this
    /// reader may not see it.
    func fold(_ d: EventDecoder.Decoded, into s: inout TicketStore) {
        // The ticket's queue first: testing `sealedBody` copied the body
        // (and retained its strings) on every event.
        if let q = s.restrictedQueue(of: d.event.ref), !(readableQueues.contains(q) || d.event.user == login),
           let sealed = d.sealedBody {
            var e = d.event
            e.body = sealed
            s.apply(e)
            return
        }
        s.apply(d.event)
    }
}

extension Desk {
    /// The decryption a replay's decoding threads do for this reader;
    /// `everyone` for what every reader may see (the snapshot's projection).
    func foldDecryption(everyone: Bool) -> FoldDecryption {
        // Buckets already read are not read again.
        keys.loadAll(restrictedQueues: restrictedQueueList)
        return FoldDecryption(keys: keys.table(), indexKey: try? keys.indexKey(create: false),
                       readableQueues: everyone ? [] : Set(restrictedQueueList.filter { mayRead(restrictedQueue: $0) }),
                       login: everyone ? nil : login)
    }
}
