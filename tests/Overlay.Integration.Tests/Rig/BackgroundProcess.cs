using System.Diagnostics;
using System.Text;

namespace Overlay.Integration.Tests.Rig;

/// <summary>
/// A long-running program (daemon, capture, server). Its stdout and stderr lines are kept in arrival order so a
/// test can wait for a line (readiness) and show the whole log when something fails.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private int? _exitCode;

    private BackgroundProcess(string name, IReadOnlyList<string> argv)
    {
        Name = name;
        Argv = argv;
        _process = new Process { StartInfo = Command.StartInfo(argv) };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public string Name { get; }
    public IReadOnlyList<string> Argv { get; }
    public int Pid { get; private set; }

    public static BackgroundProcess Start(string name, IReadOnlyList<string> argv)
    {
        var p = new BackgroundProcess(name, argv);
        p._process.Start();
        p.Pid = p._process.Id;
        p._process.StandardInput.Close();
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        return p;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_gate) return string.Join('\n', _lines);
        }
    }

    public bool Printed(string text)
    {
        lock (_gate) return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; throws with the output when the
    /// process exits first or the time runs out.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!Printed(text))
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                if (Printed(text)) return;
                throw new InvalidOperationException($"{Name} exited {_process.ExitCode} before printing '{text}':\n{Describe()}");
            }
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{Name} did not print '{text}' within {timeout.TotalSeconds:F0} s:\n{Describe()}");
            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>Waits for it to exit by itself; null when it is still running after <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit();
        return _exitCode ??= _process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills it. Returns the exit
    /// code of a clean exit, or null when it had to be killed.</summary>
    public int? Stop(int signal, TimeSpan grace)
    {
        if (_process.HasExited) return WaitForExit(TimeSpan.Zero);
        Libc.Signal(Pid, signal);
        int? code = WaitForExit(grace);
        if (code is null) Kill();
        return code;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("--- ").Append(Name).Append(": ").Append(Command.Quote(Argv)).Append(" ---\n");
        text.Append(Output);
        return text.ToString();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate) _lines.Add(line);
    }
}
