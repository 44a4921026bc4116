using Overlay.Cli;

return await OverlayCtl.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
