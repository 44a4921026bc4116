using System.Runtime.CompilerServices;

// The wire and security layers are internal; their own test project sees them.
[assembly: InternalsVisibleTo("Overlay.Gossip.Wire.Tests")]
