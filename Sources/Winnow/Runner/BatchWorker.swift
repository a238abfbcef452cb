#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a parallel phase's per-document stages on one batch, in a child task: the first phase decodes a raw batch,
/// the last encodes the output.
enum BatchWorker {
    /// The first phase: decode a raw batch, then the phase's stages.
    static func runFirst(
        _ phase: Phase, raw: RawBatch, decode: DecodeStage, steps: [PipelineStep], encoding: EncodingPlan
    ) -> WorkBatch {
        var batch = WorkBatch(
            sequence: raw.sequence, phase: 0,
            counters: steps.map { StageCounters(name: $0.name) } + [StageCounters(name: "output")])
        batch.completedInput = raw.completedInput
        let started = Clock.threadCPU
        var parser = JSONParser()
        batch.documents.reserveCapacity(raw.records.count)
        var counters = batch.counters[0]
        raw.bytes.withUnsafeBytes { bytes in
            for record in raw.records {
                do throws(DecodeStage.RecordError) {
                    switch try decode.decode(record, of: raw, parser: &parser) {
                    case .skipped(let note):
                        if let note { counters.notes[note, default: 0] += 1 }
                    case .document(let document):
                        counters.documentsIn += 1
                        counters.kept += 1
                        counters.textBytes += record.end - record.start
                        if case .string(let name)? = document.fields[FieldName.encoding] {
                            counters.notes["encoding \(name)", default: 0] += 1
                            if case .number(let count)? = document.fields[FieldName.replacedSequences],
                                let replaced = Int(count), replaced > 0
                            {
                                counters.notes["replaced_sequences", default: 0] += replaced
                            }
                        }
                        batch.documents.append(document)
                    }
                } catch {
                    counters.documentsIn += 1
                    counters.reject(error.reason)
                    if encoding.keepRejects {
                        let source = SourceLocation(
                            file: raw.path(of: record), line: record.line, byteOffset: record.byteOffset)
                        var writer = JSONWriter()
                        RecordEncoder.appendFailure(
                            error: error.message, stage: DecodeStage.name, source: source,
                            raw: UnsafeRawBufferPointer(rebasing: bytes[record.start..<record.end]), to: &writer)
                        batch.rejects.append(Reject(ordinal: record.ordinal, bytes: writer.bytes))
                    }
                }
            }
        }
        counters.seconds = Clock.cpuSeconds(since: started)
        batch.counters[0] = counters
        return runParallel(phase, on: batch, steps: steps, encoding: encoding)
    }

    /// Runs a parallel phase's stages over every document of the batch, stage by stage, then encodes if it is last.
    static func runParallel(
        _ phase: Phase, on batch: WorkBatch, steps: [PipelineStep], encoding: EncodingPlan
    ) -> WorkBatch {
        guard case .parallel(let indices, let encodes) = phase else { preconditionFailure("not a parallel phase") }
        var batch = batch
        for index in indices {
            guard case .document(let stage) = steps[index] else { continue }
            let started = Clock.threadCPU
            var counters = batch.counters[index]
            batch.documents = apply(
                stageNamed: steps[index].name, to: batch.documents, counters: &counters, rejects: &batch.rejects,
                rejectsLayout: encoding.rejectsLayout
            ) { try stage.process(&$0) }
            counters.seconds += Clock.cpuSeconds(since: started)
            batch.counters[index] = counters
        }
        batch.phase += 1
        if encodes { encode(&batch, encoding) }
        return batch
    }

    /// Runs one stage over documents, counting and routing drops and failures; returns the kept documents.
    static func apply(
        stageNamed name: String, to documents: [Document], counters: inout StageCounters, rejects: inout [Reject],
        rejectsLayout: RecordLayout?, _ process: (inout Document) throws -> Verdict
    ) -> [Document] {
        var kept: [Document] = []
        var encoder = rejectsLayout.map(RecordEncoder.init(layout:))
        kept.reserveCapacity(documents.count)
        for var document in documents {
            counters.documentsIn += 1
            counters.textBytes += document.text.utf8.count
            do {
                switch try process(&document) {
                case .keep:
                    counters.kept += 1
                    kept.append(document)
                case .drop(let reason):
                    counters.dropped[reason, default: 0] += 1
                    if encoder != nil {
                        var writer = JSONWriter()
                        encoder!.append(document, dropped: (name, reason), to: &writer)
                        rejects.append(Reject(ordinal: document.ordinal, bytes: writer.bytes))
                    }
                }
            } catch {
                counters.reject("\(name)_failed")
                if encoder != nil {
                    var writer = JSONWriter()
                    encoder!.append(document, error: "\(name): \(error)", to: &writer)
                    rejects.append(Reject(ordinal: document.ordinal, bytes: writer.bytes))
                }
            }
        }
        return kept
    }

    private static func encode(_ batch: inout WorkBatch, _ encoding: EncodingPlan) {
        let started = Clock.threadCPU
        let outputIndex = batch.counters.count - 1
        if let hashes = encoding.spillHashes {
            batch.output = BatchSpill.frame(batch, keepingHashes: hashes)
            batch.rejects = []
            batch.counters[outputIndex].seconds = Clock.cpuSeconds(since: started)
            return
        }
        batch.counters[outputIndex].documentsIn = batch.documents.count
        batch.counters[outputIndex].kept = batch.documents.count
        var writer = JSONWriter(
            reservingCapacity: batch.documents.reduce(0) { $0 + $1.text.utf8.count } + 256 * batch.documents.count)
        var encoder = RecordEncoder(layout: encoding.outputLayout)
        for document in batch.documents {
            batch.counters[outputIndex].textBytes += document.text.utf8.count
            encoder.append(document, to: &writer)
        }
        batch.output = encoding.output.frame(writer.bytes, level: encoding.outputLevel)
        if encoding.collectCorpusStatistics { batch.corpus = CorpusStatistics(batch.documents) }
        if encoding.discardOutput { batch.output = [] }
        if !batch.rejects.isEmpty {
            // Stages reject at different times; sorting restores input order, so rejects never depend on batching.
            let ordered = batch.rejects.sorted { $0.ordinal < $1.ordinal }.flatMap(\.bytes)
            batch.rejectBytes = encoding.rejects.frame(ordered, level: encoding.rejectsLevel)
            batch.rejects = []
        }
        batch.counters[outputIndex].seconds = Clock.cpuSeconds(since: started)
    }
}
