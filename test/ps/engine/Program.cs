// ec2keys-pshost: runs one PowerShell script in the real PowerShell engine
// (System.Management.Automation 7.6.9) with a minimal non-interactive host, for machines where
// pwsh itself cannot be installed (see scripts/setup-pwsh.sh). Usage:
//   ec2keys-pshost SCRIPT.ps1 [-Name value | ARG]...     exit code: the script's `exit N`, 1 on an uncaught error
// What it adds to the bare engine: a host UI that prints to the console (so -WhatIf messages,
// Write-Host and warnings show), and ConvertFrom-Json (the Utility module is not in the package).

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text.Json;

namespace Ec2KeysPsHost
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length < 1) { Console.Error.WriteLine("usage: ec2keys-pshost SCRIPT.ps1 [ARGS...]"); return 2; }
            var iss = InitialSessionState.CreateDefault2();
            iss.Commands.Add(new SessionStateCmdletEntry("ConvertFrom-Json", typeof(ConvertFromJsonCommand), null));
            var host = new Host();
            using var rs = RunspaceFactory.CreateRunspace(host, iss);
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddCommand(System.IO.Path.GetFullPath(args[0]));
            // `-Name value` pairs become named parameters (a comma-separated value becomes a string[]);
            // anything else is positional.
            for (int i = 1; i < args.Length; i++)
            {
                if (args[i].Length > 1 && args[i][0] == '-' && i + 1 < args.Length)
                {
                    var v = args[++i];
                    if (v.Contains(',')) ps.AddParameter(args[i - 1].Substring(1), v.Split(',', StringSplitOptions.RemoveEmptyEntries));
                    else ps.AddParameter(args[i - 1].Substring(1), v);
                }
                else ps.AddArgument(args[i]);
            }
            ps.AddCommand("Out-Default");
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            try
            {
                ps.Invoke();
            }
            catch (RuntimeException e)
            {
                Console.Error.WriteLine("pshost: " + e.ErrorRecord);
                Console.Error.WriteLine(e.ErrorRecord.ScriptStackTrace);
                return 1;
            }
            if (host.ExitCode.HasValue) return host.ExitCode.Value;
            var last = rs.SessionStateProxy.GetVariable("LASTEXITCODE");
            return ps.HadErrors && last == null ? 1 : 0;
        }
    }

    /// <summary>ConvertFrom-Json on System.Text.Json: objects become PSCustomObject, arrays object[].</summary>
    [Cmdlet(VerbsData.ConvertFrom, "Json")]
    public sealed class ConvertFromJsonCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string InputObject { get; set; }

        private readonly List<string> _parts = new List<string>();

        protected override void ProcessRecord() => _parts.Add(InputObject);

        protected override void EndProcessing()
        {
            var text = string.Join("\n", _parts);
            try
            {
                using var doc = JsonDocument.Parse(text);
                var v = Convert(doc.RootElement);
                if (v is object[] arr) foreach (var o in arr) WriteObject(o); else WriteObject(v);
            }
            catch (JsonException e)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(e.Message, e), "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand", ErrorCategory.NotSpecified, text));
            }
        }

        private static object Convert(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var o = new PSObject();
                    foreach (var p in e.EnumerateObject()) o.Properties.Add(new PSNoteProperty(p.Name, Convert(p.Value)));
                    return o;
                case JsonValueKind.Array:
                    var list = new List<object>();
                    foreach (var x in e.EnumerateArray()) list.Add(Convert(x));
                    return list.ToArray();
                case JsonValueKind.String:
                    // PowerShell 7's ConvertFrom-Json turns ISO 8601 date strings into [datetime]; do the same.
                    var s = e.GetString();
                    if (s.Length >= 19 && s[4] == '-' && s[10] == 'T' && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var dt)) return dt;
                    return s;
                case JsonValueKind.Number:
                    if (e.TryGetInt32(out var i)) return i;
                    if (e.TryGetInt64(out var l)) return l;
                    return e.GetDouble();
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                default: return null;
            }
        }
    }

    internal sealed class Host : PSHost
    {
        private readonly HostUI _ui = new HostUI();
        private readonly Guid _id = Guid.NewGuid();
        public int? ExitCode;
        public override string Name => "ec2keys-pshost";
        public override Version Version => new Version(0, 1);
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }

    /// <summary>Prints everything; refuses every prompt (the tests must never need one).</summary>
    internal sealed class HostUI : PSHostUserInterface
    {
        public override PSHostRawUserInterface RawUI => null;
        public override string ReadLine() => throw new PSInvalidOperationException("ec2keys-pshost is non-interactive");
        public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("ec2keys-pshost is non-interactive");
        public override void Write(string value) => Console.Write(value);
        public override void Write(ConsoleColor f, ConsoleColor b, string value) => Console.Write(value);
        public override void WriteLine(string value) => Console.WriteLine(value);
        public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);
        public override void WriteDebugLine(string message) => Console.WriteLine("DEBUG: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) => Console.WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => Console.WriteLine("WARNING: " + message);
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions)
            => throw new PSInvalidOperationException("ec2keys-pshost is non-interactive: " + message);
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
            => throw new PSInvalidOperationException("ec2keys-pshost is non-interactive: " + caption + " " + message);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName)
            => throw new PSInvalidOperationException("ec2keys-pshost is non-interactive");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
            => throw new PSInvalidOperationException("ec2keys-pshost is non-interactive");
    }
}
