using System.CommandLine;
using Overlay.Daemon;

return await DaemonCommand.Create().Parse(args).InvokeAsync();
