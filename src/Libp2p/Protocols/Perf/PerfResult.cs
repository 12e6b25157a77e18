namespace Libp2p.Protocols.Perf;

/// <summary>
/// What a perf run moved and how long each phase took: upload runs from the first write to the
/// write-side close, download from then to the server's EOF.
/// </summary>
public sealed record PerfResult(ulong UploadBytes, ulong DownloadBytes, TimeSpan UploadTime, TimeSpan DownloadTime);
