# The one gateway between the EC2Keys cmdlets and the ec2keys executable (issue #5 §2; contract:
# shared/reference/cli.md). Every public cmdlet builds an argument ARRAY and calls this; nothing
# else in the module starts a process. Rules it enforces:
#   - always `--json --no-input`: one JSON document on stdout, never a prompt (a hidden prompt
#     would hang a pipeline);
#   - arguments as an array, never a string-built command line, so names with spaces or quotes
#     survive (on Windows PowerShell 5.1, whose native argument passing is "Legacy", embedded
#     quotes are escaped by ConvertTo-Ec2KeysNativeArgument);
#   - passphrases only through EC2KEYS_PASSPHRASE / EC2KEYS_NEW_PASSPHRASE, set for this one call
#     and restored in `finally`, never on the command line (argv is visible to other users);
#   - `$LASTEXITCODE` decides success (0) or failure (1 operation failed, 2 usage, 130
#     interrupted); the `{"Error":{Code,Message,Hint,Target}}` document becomes an ErrorRecord
#     written through the CALLING cmdlet's WriteError, so -ErrorAction / -ErrorVariable / try
#     behave as for any cmdlet.

function Invoke-Ec2KeysCli {
    <#
    .SYNOPSIS
    Runs the ec2keys executable with --json --no-input and returns its parsed JSON result.
    .DESCRIPTION
    Private gateway. On success returns the parsed JSON document (or nothing when stdout is
    empty). On failure writes one ErrorRecord through -Cmdlet (the public cmdlet's $PSCmdlet)
    and returns nothing. Unit tests mock this function to pin each cmdlet's argument array.
    .PARAMETER ArgumentList
    The command and its arguments, e.g. @('get', 'my key', '--include-public-key').
    .PARAMETER Cmdlet
    The calling cmdlet's $PSCmdlet: errors and verbose messages are written through it.
    .PARAMETER Passphrase
    Passphrase of the key being read; handed to the process as EC2KEYS_PASSPHRASE.
    .PARAMETER NewPassphrase
    Passphrase for the key being written; handed to the process as EC2KEYS_NEW_PASSPHRASE.
    .PARAMETER Target
    What the call is about (a key name or path): TargetObject of an error when the executable
    does not name one.
    .PARAMETER PassThruError
    Return the failure as an object (Code, Message, Hint, Target, ExitCode, ErrorRecord) instead
    of writing it; used by Test-EC2KeyPair, where a mismatch is an answer, not an error.
    .PARAMETER AcceptPartialResult
    For batch commands (push, import --batch): exit code 1 with a {"Results":[…]} document means
    some items failed (Ec2Keys.PartialFailure); return the document so the cmdlet can output the
    items that worked and write one error per item that did not.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)]
        [AllowEmptyString()]
        [string[]] $ArgumentList,

        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [securestring] $Passphrase,

        [securestring] $NewPassphrase,

        [object] $Target,

        [switch] $PassThruError,

        [switch] $AcceptPartialResult
    )

    if (-not $Cmdlet) { $Cmdlet = $PSCmdlet }
    $exe = Resolve-Ec2KeysExecutable -Cmdlet $Cmdlet

    $argv = [System.Collections.Generic.List[string]]::new()
    foreach ($a in $exe.PrefixArguments) { $argv.Add($a) }
    $argv.Add('--json')
    $argv.Add('--no-input')
    foreach ($a in $ArgumentList) { $argv.Add([string]$a) }

    # -Verbose shows the argument array as the user would type it (without node's script path).
    $shown = $argv.GetRange($exe.PrefixArguments.Count, $argv.Count - $exe.PrefixArguments.Count)
    $Cmdlet.WriteVerbose('ec2keys ' + (($shown | ForEach-Object { Format-Ec2KeysArgument $_ }) -join ' '))

    $nativeArgs = $argv.ToArray()
    if (Test-Ec2KeysLegacyArgumentPassing) {
        $nativeArgs = @($nativeArgs | ForEach-Object { ConvertTo-Ec2KeysNativeArgument $_ })
    }

    # Environment for this call only. The previous values are put back in `finally`, also when
    # the pipeline is stopped (Ctrl+C) in the middle of the call.
    $envSet = @{}
    if ($Passphrase) { $envSet['EC2KEYS_PASSPHRASE'] = ConvertFrom-Ec2KeysSecureString $Passphrase }
    if ($NewPassphrase) { $envSet['EC2KEYS_NEW_PASSPHRASE'] = ConvertFrom-Ec2KeysSecureString $NewPassphrase }
    $saved = @{}
    foreach ($k in $envSet.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k) }

    $savedEncoding = $null
    $stdout = [System.Collections.Generic.List[string]]::new()
    $stderr = [System.Collections.Generic.List[string]]::new()
    $exitCode = $null
    try {
        foreach ($k in $envSet.Keys) { [Environment]::SetEnvironmentVariable($k, $envSet[$k]) }
        # The executable writes UTF-8; Windows PowerShell decodes native output with the console
        # code page unless told otherwise, which would mangle non-ASCII names and paths.
        try {
            $savedEncoding = [Console]::OutputEncoding
            if ($savedEncoding.CodePage -ne 65001) { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) }
        } catch { $savedEncoding = $null }

        # Native stderr arrives as ErrorRecords under 2>&1; they must not become terminating
        # errors (Windows PowerShell with $ErrorActionPreference = 'Stop') nor may a non-zero exit
        # throw by itself (PowerShell 7.3+ $PSNativeCommandUseErrorActionPreference): the exit code
        # and the JSON error document are interpreted below instead.
        $ErrorActionPreference = 'Continue'
        $PSNativeCommandUseErrorActionPreference = $false
        $global:LASTEXITCODE = 0
        $output = & $exe.Path @nativeArgs 2>&1
        $exitCode = $LASTEXITCODE
        foreach ($line in $output) {
            if ($line -is [System.Management.Automation.ErrorRecord]) { $stderr.Add($line.ToString()) }
            else { $stdout.Add([string]$line) }
        }
    } finally {
        # [NullString]::Value, not $null: PowerShell would pass $null to a string parameter as '',
        # leaving an EMPTY passphrase variable behind instead of removing it.
        foreach ($k in $saved.Keys) {
            if ($null -eq $saved[$k]) { [Environment]::SetEnvironmentVariable($k, [NullString]::Value) }
            else { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
        if ($null -ne $savedEncoding) { try { [Console]::OutputEncoding = $savedEncoding } catch { $null = $_ } }
        # Clear the plain-text copies as far as .NET strings allow.
        $envSet.Clear()
    }

    $text = ($stdout -join "`n").Trim()
    $doc = $null
    # Only text that looks like a JSON document is parsed: a parse failure caught here would still
    # be recorded in the caller's -ErrorVariable, so plain text must not reach ConvertFrom-Json.
    if ($text -match '^[\{\[]') {
        try { $doc = ConvertFrom-Ec2KeysJson $text } catch { $doc = $null }
    }

    if ($exitCode -eq 0 -and ($null -ne $doc -or -not $text)) {
        return $doc
    }
    if ($AcceptPartialResult -and $exitCode -eq 1 -and $null -ne $doc -and $doc.PSObject.Properties['Results'] -and -not $doc.PSObject.Properties['Error']) {
        return $doc
    }
    if ($exitCode -eq 0) {
        # Success but unreadable output: an executable that does not speak the contract.
        $err = [pscustomobject]@{
            Code    = 'Ec2Keys.InvalidResponse'
            Message = "ec2keys printed output that is not JSON: $((Get-Ec2KeysFirstLine $text))"
            Hint    = 'check that $env:EC2KEYS_EXE (or ec2keys on PATH) is the ec2keys executable'
            Target  = $null
        }
    } elseif ($null -ne $doc -and $doc.PSObject.Properties['Error']) {
        $err = $doc.Error
    } else {
        # No JSON error document: fall back to stderr's `ec2keys: Code: message` / `hint:` lines.
        $err = ConvertFrom-Ec2KeysStderr -Line $stderr -ExitCode $exitCode
    }

    $record = New-Ec2KeysErrorRecord -ErrorDocument $err -ExitCode $exitCode -Target $Target
    if ($PassThruError) {
        return [pscustomobject]@{
            Code        = [string]$record.FullyQualifiedErrorId
            Message     = $record.Exception.Message
            Hint        = $record.ErrorDetails.RecommendedAction
            ExitCode    = $exitCode
            ErrorRecord = $record
        }
    }
    $Cmdlet.WriteError($record)
}

function Resolve-Ec2KeysExecutable {
    # Where the executable is (cli.md, last paragraph): $env:EC2KEYS_EXE, then one shipped next to
    # the module, then `ec2keys` on PATH (the npm-installed CLI counts). A .js/.mjs/.cjs file is run
    # with node, so a checkout's bin/ec2keys.js works on Windows too (no shebang support there).
    [CmdletBinding()]
    param([System.Management.Automation.PSCmdlet] $Cmdlet)

    $candidate = $null
    $source = $null
    if ($env:EC2KEYS_EXE) {
        $candidate = $env:EC2KEYS_EXE
        $source = 'EC2KEYS_EXE'
        if (-not [System.IO.File]::Exists($candidate)) {
            $found = @(Get-Command -Name $candidate -CommandType Application -ErrorAction Ignore)
            if ($found.Count) { $candidate = $found[0].Source } else {
                Stop-Ec2KeysCall -Cmdlet $Cmdlet -Message "EC2KEYS_EXE is set to '$($env:EC2KEYS_EXE)', which does not exist" `
                    -Hint 'set $env:EC2KEYS_EXE to the full path of ec2keys(.exe), or remove it to use the one on PATH'
            }
        }
    } else {
        $base = $script:Ec2KeysModuleRoot
        foreach ($name in @('ec2keys.exe', 'ec2keys', 'bin/ec2keys.exe', 'bin/ec2keys')) {
            $p = [System.IO.Path]::Combine($base, $name)
            if ([System.IO.File]::Exists($p)) { $candidate = $p; $source = 'module folder'; break }
        }
        if (-not $candidate) {
            $found = @(Get-Command -Name 'ec2keys' -CommandType Application -ErrorAction Ignore)
            if ($found.Count) { $candidate = $found[0].Source; $source = 'PATH' }
        }
        if (-not $candidate) {
            Stop-Ec2KeysCall -Cmdlet $Cmdlet -Message 'the ec2keys executable was not found (EC2KEYS_EXE is not set, none is next to the module, none is on PATH)' `
                -Hint 'install it with `npm install -g ec2keys`, or set $env:EC2KEYS_EXE to its full path'
        }
    }

    $prefix = @()
    $path = $candidate
    if ($candidate -match '\.(js|mjs|cjs)$') {
        $node = @(Get-Command -Name 'node' -CommandType Application -ErrorAction Ignore)
        if (-not $node.Count) {
            Stop-Ec2KeysCall -Cmdlet $Cmdlet -Message "ec2keys at '$candidate' is a JavaScript file and node was not found on PATH" `
                -Hint 'install Node.js 20 or later, or point $env:EC2KEYS_EXE at the standalone ec2keys executable'
        }
        $path = $node[0].Source
        $prefix = @($candidate)
    }
    [pscustomobject]@{ Path = $path; PrefixArguments = [string[]]$prefix; Source = $source }
}

function Stop-Ec2KeysCall {
    # Setup failures (no executable): nothing more can run, so terminate (cmdlet guideline RC06).
    param([System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Message, [string] $Hint)
    $ex = [System.Management.Automation.ItemNotFoundException]::new($Message)
    $record = [System.Management.Automation.ErrorRecord]::new($ex, 'Ec2Keys.ExecutableNotFound',
        [System.Management.Automation.ErrorCategory]::ObjectNotFound, $env:EC2KEYS_EXE)
    $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
    $record.ErrorDetails.RecommendedAction = $Hint
    $Cmdlet.ThrowTerminatingError($record)
}

function Format-Ec2KeysArgument {
    # For -Verbose only: quote an argument the way a PowerShell user would type it.
    param([AllowEmptyString()][string] $Value)
    if ($Value -match '^[A-Za-z0-9_\-./:=,@+\\]+$') { return $Value }
    "'" + $Value.Replace("'", "''") + "'"
}

function Test-Ec2KeysLegacyArgumentPassing {
    # Windows PowerShell 5.1 and PowerShell < 7.3 pass native arguments "Legacy": an argument
    # with an embedded double quote is split, and an empty one is dropped.
    $mode = $ExecutionContext.SessionState.PSVariable.GetValue('PSNativeCommandArgumentPassing')
    if ($null -eq $mode) { return $true }
    return ([string]$mode -eq 'Legacy')
}

function ConvertTo-Ec2KeysNativeArgument {
    # For Legacy argument passing only: make one argument survive the Windows command-line
    # parser (CommandLineToArgvW rules). PowerShell itself adds the surrounding quotes when the
    # value contains a space, so only embedded quotes and the backslashes before them are escaped,
    # and trailing backslashes are doubled because a closing quote follows them.
    param([AllowEmptyString()][string] $Value)
    if ($Value -eq '') { return '""' }
    if ($Value -notmatch '["\s]') { return $Value }
    $escaped = [regex]::Replace($Value, '(\\*)"', { param($m) ($m.Groups[1].Value * 2) + '\"' })
    if ($Value -match '\s') { $escaped = [regex]::Replace($escaped, '(\\+)$', '$1$1') }
    $escaped
}

function ConvertFrom-Ec2KeysSecureString {
    param([securestring] $SecureString)
    $ptr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($SecureString)
    try { [System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($ptr) }
    finally { [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($ptr) }
}

function ConvertFrom-Ec2KeysJson {
    # ConvertFrom-Json exists on Windows PowerShell 5.1 and PowerShell 7 alike; PowerShell 7 turns
    # ISO 8601 strings into [datetime] by itself, 5.1 does not, so dates are normalised by callers
    # (ConvertTo-Ec2KeysDateTime).
    param([string] $Text)
    $Text | ConvertFrom-Json
}

function Get-Ec2KeysFirstLine {
    param([string] $Text)
    $first = ($Text -split "`r?`n")[0]
    if ($first.Length -gt 200) { $first = $first.Substring(0, 200) + '...' }
    $first
}

function ConvertFrom-Ec2KeysStderr {
    # Reads `ec2keys: <Code>: <message>` and `hint: <text>` (cli.md "Exit codes and errors") when
    # stdout carried no JSON error document, e.g. a crash before the reporter existed.
    param([string[]] $Line, [int] $ExitCode)
    $code = $null; $message = $null; $hint = $null
    foreach ($l in $Line) {
        if (-not $code -and $l -match '^ec2keys: ([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*): (.*)$') { $code = $Matches[1]; $message = $Matches[2] }
        elseif (-not $hint -and $l -match '^hint: (.*)$') { $hint = $Matches[1] }
    }
    if (-not $code) {
        $code = switch ($ExitCode) { 2 { 'Ec2Keys.Usage' } 130 { 'Ec2Keys.Interrupted' } default { 'Ec2Keys.ProcessFailed' } }
        $text = (@($Line) | Where-Object { $_ }) -join ' '
        $message = if ($text) { Get-Ec2KeysFirstLine $text } else { "ec2keys exited with code $ExitCode and printed no error" }
    }
    [pscustomobject]@{ Code = $code; Message = $message; Hint = $hint; Target = $null }
}
