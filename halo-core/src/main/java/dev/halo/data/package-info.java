/**
 * Latency and accuracy data: {@link dev.halo.data.LatencyDataset} (architecture × device latency tables in
 * the CSV layout of the shared {@code help/<space>/} folders), {@link dev.halo.data.AccuracyTable}
 * (NAS-Bench-201 test accuracies), {@link dev.halo.data.MetaD2aCandidates} (the candidates HELP's NAS mode
 * scores), {@link dev.halo.data.TorchFile} and {@link dev.halo.data.TorchCheckpoint}
 * (reading {@code torch.save} files without PyTorch), and {@link dev.halo.data.HelpImporter} (HELP's
 * {@code .pt} data layout to the CSV layout).
 *
 * <p>All readers are strict: malformed input is a {@link dev.halo.BadInputException} whose one-line
 * message names the file, the line and the column (or the entry) at fault.
 */
package dev.halo.data;
