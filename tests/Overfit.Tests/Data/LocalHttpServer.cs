using System.Net;
using System.Net.Sockets;

namespace Overfit.Tests.Data;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 serving byte arrays by path, so the download code is exercised without
/// the network. <see cref="Corrupt"/> decides, per request, whether to flip a byte of the body.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files;
    private readonly Task _loop;
    private int _requests;

    public LocalHttpServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        int port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/data/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Given the 1-based request number and the path, whether to corrupt the body.</summary>
    public Func<int, string, bool> Corrupt { get; set; } = (_, _) => false;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the other test servers use it too).</summary>
    internal static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            int number = Interlocked.Increment(ref _requests);
            string name = context.Request.Url!.AbsolutePath["/data/".Length..];
            using var response = context.Response;
            if (!_files.TryGetValue(name, out byte[]? body))
            {
                response.StatusCode = 404;
                continue;
            }
            if (Corrupt(number, name))
            {
                body = (byte[])body.Clone();
                body[body.Length / 2] ^= 0xff;
            }
            response.ContentLength64 = body.Length;
            try { await response.OutputStream.WriteAsync(body); }
            catch (HttpListenerException) { }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
