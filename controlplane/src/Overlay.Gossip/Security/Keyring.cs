namespace Overlay.Gossip.Security;

/// <summary>memberlist's keyring: several AES keys, one primary. Rotation without downtime is
/// Install (everyone can now decrypt with the new key) -> Use (everyone encrypts with it) ->
/// Remove (the old one). Readers take <see cref="Current"/>, an immutable snapshot swapped
/// atomically; writers serialise on a lock.</summary>
internal sealed class Keyring
{
    private readonly Lock _writeLock = new();
    private volatile KeySet _current;

    private Keyring(KeySet keys)
    {
        _current = keys;
    }

    /// <summary>The keys now: primary first.</summary>
    public KeySet Current => _current;

    public static bool IsValidKeySize(int length) => length is 16 or 24 or 32;

    /// <summary>A keyring whose primary is <paramref name="primary"/>, with the other keys installed
    /// after it (duplicates ignored). Throws on a bad key size: this is configuration, checked at start.</summary>
    public static Keyring Create(ReadOnlySpan<byte> primary, params ReadOnlySpan<byte[]> others)
    {
        if (!IsValidKeySize(primary.Length))
        {
            throw new ArgumentException($"the primary gossip key is {primary.Length} bytes; it must be 16, 24 or 32", nameof(primary));
        }
        var ring = new Keyring(new KeySet([primary.ToArray()]));
        foreach (byte[] key in others)
        {
            if (ring.Install(key) != KeyringResult.Ok)
            {
                throw new ArgumentException($"a gossip key is {key.Length} bytes; it must be 16, 24 or 32", nameof(others));
            }
        }
        return ring;
    }

    /// <summary>Adds a key for decryption (memberlist AddKey). Already installed is Ok.</summary>
    public KeyringResult Install(ReadOnlySpan<byte> key)
    {
        if (!IsValidKeySize(key.Length))
        {
            return KeyringResult.InvalidKeySize;
        }
        lock (_writeLock)
        {
            KeySet current = _current;
            if (current.IndexOf(key) >= 0)
            {
                return KeyringResult.Ok;
            }
            byte[][] keys = current.CopyKeys();
            Array.Resize(ref keys, keys.Length + 1);
            keys[^1] = key.ToArray();
            _current = new KeySet(keys);
            return KeyringResult.Ok;
        }
    }

    /// <summary>Makes an installed key the primary (memberlist UseKey).</summary>
    public KeyringResult Use(ReadOnlySpan<byte> key)
    {
        lock (_writeLock)
        {
            KeySet current = _current;
            int index = current.IndexOf(key);
            if (index < 0)
            {
                return KeyringResult.NotInstalled;
            }
            if (index == 0)
            {
                return KeyringResult.Ok;
            }
            byte[][] keys = current.CopyKeys();
            byte[] chosen = keys[index];
            Array.Copy(keys, 0, keys, 1, index); // shift the ones before it down, keep the order of the rest
            keys[0] = chosen;
            _current = new KeySet(keys);
            return KeyringResult.Ok;
        }
    }

    /// <summary>Drops a key (memberlist RemoveKey). The primary is refused; an absent key is Ok.</summary>
    public KeyringResult Remove(ReadOnlySpan<byte> key)
    {
        lock (_writeLock)
        {
            KeySet current = _current;
            int index = current.IndexOf(key);
            if (index == 0)
            {
                return KeyringResult.PrimaryKeyRemoval;
            }
            if (index < 0)
            {
                return KeyringResult.Ok;
            }
            byte[][] keys = current.CopyKeys();
            var remaining = new byte[keys.Length - 1][];
            Array.Copy(keys, 0, remaining, 0, index);
            Array.Copy(keys, index + 1, remaining, index, keys.Length - index - 1);
            _current = new KeySet(remaining);
            return KeyringResult.Ok;
        }
    }
}
