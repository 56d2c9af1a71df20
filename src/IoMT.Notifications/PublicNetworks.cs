using System.Net;
using System.Net.Sockets;

namespace IoMT.Notifications;

/// <summary>
/// Connections to addresses on the public internet only, for URLs that come from data rather than configuration (the
/// webhooks of patient profiles): a profile must not aim the service at its own network (loopback, private ranges, the
/// cloud's metadata endpoint at 169.254.169.254). The check is made on the addresses actually connected to, so a name
/// that resolves to a private address is refused too.
/// </summary>
internal static class PublicNetworks
{
    /// <summary>A connect callback that refuses every non-public address, unless <paramref name="allowPrivate"/> says otherwise (read per connection).</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connector(Func<bool> allowPrivate) => async (context, cancellationToken) =>
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = allowPrivate() ? addresses : [.. addresses.Where(IsPublic)];
        if (allowed.Length == 0)
        {
            throw new PermanentDeliveryException("A caregiver's webhook resolves to no public internet address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    /// <summary>Whether <paramref name="address"/> is on the public internet: not loopback, private, link-local, shared, multicast or reserved.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && b[1] is >= 64 and < 128)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] is >= 16 and < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19));
        }

        var v6 = address.GetAddressBytes();
        return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || (v6[0] & 0xfe) == 0xfc || address.IsIPv6Teredo || address.IsIPv4MappedToIPv6);
    }
}
