using System.Security.Cryptography;

namespace Overfit.Data.Sources;

/// <summary>Progress of one download: bytes so far and the total when the server announced it.</summary>
public readonly record struct DownloadProgress(string FileName, long BytesReceived, long? TotalBytes, int Attempt);

/// <summary>
/// Downloads one file to a temporary name next to its destination while computing its md5, and renames
/// it into place only when the checksum matches. A mismatch deletes the temporary file and retries once;
/// a second mismatch throws, leaving nothing behind.
/// </summary>
public sealed class Downloader
{
    private readonly HttpClient _client;
    private readonly IProgress<DownloadProgress>? _progress;

    /// <summary>A downloader using <paramref name="client"/>, reporting to <paramref name="progress"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    public Downloader(HttpClient client, IProgress<DownloadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _progress = progress;
    }

    /// <summary>Attempts made for a file whose checksum does not match (the first try and one retry).</summary>
    public const int MaxAttempts = 2;

    /// <summary>Downloads <paramref name="url"/> to <paramref name="destination"/> atomically, retrying once on an md5 mismatch.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidDataException">The md5 differs from <paramref name="expectedMd5"/> on both attempts.</exception>
    public async Task DownloadAsync(Uri url, string destination, string expectedMd5, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(expectedMd5);
        string directory = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(directory);
        string got = "";
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            string temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.part");
            try
            {
                got = await FetchAsync(url, temporary, Path.GetFileName(destination), attempt, cancellation).ConfigureAwait(false);
                if (string.Equals(got, expectedMd5, StringComparison.OrdinalIgnoreCase))
                {
                    File.Move(temporary, destination, overwrite: true);
                    return;
                }
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
        throw new InvalidDataException(
            $"download of {url} failed verification: md5 {got}, expected {expectedMd5} (tried {MaxAttempts} times); nothing was written to {destination}");
    }

    private async Task<string> FetchAsync(Uri url, string temporary, string name, int attempt, CancellationToken cancellation)
    {
        using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"download of {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        long? total = response.Content.Headers.ContentLength;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        await using var source = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            long received = 0;
            _progress?.Report(new DownloadProgress(name, 0, total, attempt));
            int read;
            while ((read = await source.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
                received += read;
                _progress?.Report(new DownloadProgress(name, received, total, attempt));
            }
            await target.FlushAsync(cancellation).ConfigureAwait(false);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
