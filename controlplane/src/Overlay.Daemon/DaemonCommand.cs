using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Overlay.Control;
using Overlay.Daemon.Config;
using Overlay.Daemon.Control;
using Overlay.Daemon.Dataplane;

namespace Overlay.Daemon;

/// <summary>overlayd's command line: `overlayd --config FILE [--log-format text|json] [--check]`.</summary>
public static class DaemonCommand
{
    public const int ExitConfig = 2;
    public const int ExitRuntime = 1;

    public static RootCommand Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "The config file (JSON)", Required = true };
        var logFormat = new Option<string>("--log-format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var check = new Option<bool>("--check") { Description = "Validate the config and exit" };
        var root = new RootCommand("overlayd: a userspace VXLAN switch that replaces the kernel's VXLAN device") { config, logFormat, check };
        root.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, parse.GetValue(logFormat)!, parse.GetValue(check), ct));
        return root;
    }

    private static async Task<int> RunAsync(FileInfo file, string logFormat, bool checkOnly, CancellationToken ct)
    {
        DaemonConfig config;
        try
        {
            config = ConfigLoader.Load(file.FullName);
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync($"overlayd: {file.FullName}: {e.Message}");
            return ExitConfig;
        }
        if (checkOnly)
        {
            Console.WriteLine($"overlayd: {file.FullName}: ok ({config.Networks.Count} networks, {config.Networks.Sum(n => n.Endpoints.Count)} endpoints)");
            return 0;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (logFormat == "json") builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DataplaneHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DataplaneHost>());
        builder.Services.AddSingleton<Gossip.GossipHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Gossip.GossipHost>());
        builder.Services.AddSingleton<IControlHandler, ControlHandler>();
        builder.Services.AddHostedService<ControlService>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<DataplaneMetrics>();

        using var host = builder.Build();
        _ = host.Services.GetRequiredService<DataplaneMetrics>();
        try
        {
            await host.RunAsync(ct);
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("overlayd").LogCritical(e, "overlayd failed: {Message}", e.Message);
            return ExitRuntime;
        }
    }
}
