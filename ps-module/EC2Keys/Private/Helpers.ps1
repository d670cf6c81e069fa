# Small pure helpers shared by the public cmdlets: the global options every store command takes
# (cli.md "Global options"), tag and filter translation from AWS.Tools.EC2 shapes (peers.md §1),
# path resolution against the PowerShell location (cmdlet guidelines: GetUnresolvedProviderPathFromPSPath
# — the exe's cwd is the process cwd, which PowerShell's Set-Location does not change), and type
# stamping for the format views. None of them starts a process.

function Get-Ec2KeysGlobalArgument {
    # -Store / -Region / -ProfileName / -EndpointUrl -> the executable's global options.
    [CmdletBinding()]
    [OutputType([string[]])]
    param([System.Collections.IDictionary] $BoundParameters)
    $a = [System.Collections.Generic.List[string]]::new()
    if ($BoundParameters.ContainsKey('Store') -and $BoundParameters['Store']) { $a.Add('--store'); $a.Add([string]$BoundParameters['Store']) }
    if ($BoundParameters.ContainsKey('Region') -and $BoundParameters['Region']) { $a.Add('--region'); $a.Add([string]$BoundParameters['Region']) }
    if ($BoundParameters.ContainsKey('ProfileName') -and $BoundParameters['ProfileName']) { $a.Add('--profile'); $a.Add([string]$BoundParameters['ProfileName']) }
    if ($BoundParameters.ContainsKey('EndpointUrl') -and $BoundParameters['EndpointUrl']) { $a.Add('--endpoint-url'); $a.Add([string]$BoundParameters['EndpointUrl']) }
    # Emitted element by element: callers collect with @(...). (Returning `, $array` would nest it.)
    $a.ToArray()
}

function Get-Ec2KeysPositional {
    # A positional value that starts with '-' would be read as an option; `--` ends the options.
    param([AllowEmptyString()][string[]] $Value)
    $needsEnd = $false
    foreach ($v in $Value) { if ($v.StartsWith('-')) { $needsEnd = $true } }
    if ($needsEnd) { '--' }
    $Value
}

function Get-Ec2KeysTagArgument {
    # -Tag @{k='v'} and AWS.Tools' -TagSpecification (objects or hashtables with ResourceType and
    # Tags = @(@{Key=..; Value=..})) both become `--tag K=V`, in a stable order.
    [CmdletBinding()]
    [OutputType([string[]])]
    param([System.Collections.IDictionary] $Tag, [object[]] $TagSpecification)
    $a = [System.Collections.Generic.List[string]]::new()
    if ($Tag) {
        foreach ($k in (Get-Ec2KeysSortedKey $Tag)) { $a.Add('--tag'); $a.Add(('{0}={1}' -f $k, $Tag[$k])) }
    }
    foreach ($spec in @($TagSpecification)) {
        if ($null -eq $spec) { continue }
        $tags = if ($spec -is [System.Collections.IDictionary]) { $spec['Tags'] } else { $spec.Tags }
        foreach ($t in @($tags)) {
            if ($null -eq $t) { continue }
            if ($t -is [System.Collections.IDictionary]) { $k = $t['Key']; $v = $t['Value'] } else { $k = $t.Key; $v = $t.Value }
            $a.Add('--tag'); $a.Add(('{0}={1}' -f $k, $v))
        }
    }
    # Emitted element by element: callers collect with @(...). (Returning `, $array` would nest it.)
    $a.ToArray()
}

function Get-Ec2KeysFilterArgument {
    # AWS.Tools' -Filter takes Amazon.EC2.Model.Filter objects ({Name; Values}); hashtables with
    # Name/Values keys work the same, and a plain @{'tag:env'='prod'} is read as name = values.
    [CmdletBinding()]
    [OutputType([string[]])]
    param([object[]] $Filter)
    $a = [System.Collections.Generic.List[string]]::new()
    foreach ($f in @($Filter)) {
        if ($null -eq $f) { continue }
        $pairs = @()
        if ($f -is [System.Collections.IDictionary]) {
            if ($f.Contains('Name')) { $pairs = @(, @($f['Name'], $f['Values'])) }
            else { $pairs = @(foreach ($k in (Get-Ec2KeysSortedKey $f)) { , @($k, $f[$k]) }) }
        } else {
            $pairs = @(, @($f.Name, $f.Values))
        }
        foreach ($p in $pairs) {
            $a.Add('--filter')
            $a.Add(('Name={0},Values={1}' -f $p[0], (@($p[1]) -join ',')))
        }
    }
    # Emitted element by element: callers collect with @(...). (Returning `, $array` would nest it.)
    $a.ToArray()
}

function Resolve-Ec2KeysPath {
    # Returns file-system paths for the executable. -Path may hold wildcards (expanded, each match
    # returned; no match is an ItemNotFound error on the caller); -LiteralPath never expands.
    # With -AllowMissing the path may name a file that does not exist yet (an output file).
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [string[]] $Path,
        [string[]] $LiteralPath,
        [switch] $AllowMissing
    )
    $items = @()
    # Unbound [string] parameters arrive as '' — skip those, not only $null.
    foreach ($p in @($Path)) { if ($p) { $items += , @($p, $false) } }
    foreach ($p in @($LiteralPath)) { if ($p) { $items += , @($p, $true) } }
    foreach ($item in $items) {
        $p = [string]$item[0]
        $literal = [bool]$item[1]
        if (-not $literal -and -not $AllowMissing -and [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($p)) {
            $provider = $null
            $resolved = @()
            try {
                $resolved = @($Cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath($p, [ref]$provider))
            } catch [System.Management.Automation.ItemNotFoundException] {
                $resolved = @()
            }
            if ($resolved.Count -eq 0) {
                $ex = [System.Management.Automation.ItemNotFoundException]::new("no file matches '$p'")
                $record = [System.Management.Automation.ErrorRecord]::new($ex, 'Ec2Keys.PathNotFound',
                    [System.Management.Automation.ErrorCategory]::ObjectNotFound, $p)
                $Cmdlet.WriteError($record)
                continue
            }
            if ($provider.Name -ne 'FileSystem') { Write-Ec2KeysNotFileSystem -Cmdlet $Cmdlet -Path $p; continue }
            foreach ($r in $resolved) { $r }
        } else {
            $provider = $null
            $drive = $null
            $resolved = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p, [ref]$provider, [ref]$drive)
            if ($provider.Name -ne 'FileSystem') { Write-Ec2KeysNotFileSystem -Cmdlet $Cmdlet -Path $p; continue }
            $resolved
        }
    }
}

function Write-Ec2KeysNotFileSystem {
    param([System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Path)
    $ex = [System.ArgumentException]::new("'$Path' is not a file-system path; key files must be on a file-system drive")
    $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($ex, 'Ec2Keys.NotFileSystemPath',
            [System.Management.Automation.ErrorCategory]::InvalidArgument, $Path))
}

function Add-Ec2KeysTypeName {
    # Stamps the PSTypeName the format views and [OutputType()] use (PowerShellForGitHub pattern).
    param([Parameter(ValueFromPipeline = $true)] [object] $InputObject, [Parameter(Mandatory = $true)] [string] $TypeName)
    process {
        if ($null -eq $InputObject) { return }
        $InputObject.PSObject.TypeNames.Insert(0, $TypeName)
        $InputObject
    }
}

function ConvertTo-Ec2KeysDateTime {
    # EC2's CreateTime is ISO 8601 UTC. PowerShell 7's ConvertFrom-Json already made it a
    # [datetime]; Windows PowerShell 5.1 leaves a string.
    param([object] $Value)
    if ($null -eq $Value -or $Value -is [datetime]) { return $Value }
    $parsed = [datetime]::MinValue
    if ([datetime]::TryParse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture,
            [System.Globalization.DateTimeStyles]::RoundtripKind, [ref]$parsed)) { return $parsed }
    $Value
}

function Set-Ec2KeysProperty {
    # Adds or replaces a note property (Add-Member without the Utility module's parameter sets).
    param([object] $InputObject, [string] $Name, [object] $Value)
    $existing = $InputObject.PSObject.Properties[$Name]
    if ($existing) { $InputObject.PSObject.Properties.Remove($Name) }
    $InputObject.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new($Name, $Value))
}

function Get-Ec2KeysKeyNameCompletion {
    # Argument completer for -KeyName: names from the current store (same -Store/-Region/-ProfileName/
    # -EndpointUrl as the command line being typed). Any failure completes nothing: a completer must
    # never print errors into the user's prompt.
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    try {
        $bound = @{}
        foreach ($k in @('Store', 'Region', 'ProfileName', 'EndpointUrl')) {
            if ($FakeBoundParameters -and $FakeBoundParameters.Contains($k)) { $bound[$k] = $FakeBoundParameters[$k] }
        }
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $bound) + @('get')
        $word = ([string]$WordToComplete).Trim("'", '"')
        $result = Invoke-Ec2KeysCli -ArgumentList $argv -ErrorAction Ignore 2>$null
        foreach ($kp in @($result.KeyPairs)) {
            $name = [string]$kp.KeyName
            if (-not $name -or -not $name.StartsWith($word, [System.StringComparison]::OrdinalIgnoreCase)) { continue }
            $text = if ($name -match "[\s'`"$;,(){}@&|<>#``]") { "'" + $name.Replace("'", "''") + "'" } else { $name }
            [System.Management.Automation.CompletionResult]::new($text, $name, 'ParameterValue', ("{0} {1} {2}" -f $name, $kp.KeyType, $kp.KeyPairId))
        }
    } catch {
        $null = $_
    }
}

function Get-Ec2KeysSortedKey {
    # Dictionary keys in ordinal order, so the argument array is the same on every run.
    param([System.Collections.IDictionary] $Dictionary)
    [string[]]$keys = @($Dictionary.Keys)
    [System.Array]::Sort($keys, [System.StringComparer]::Ordinal)
    , $keys
}

function Get-Ec2KeysSafeFileName {
    # A key name may hold characters that are not allowed in Windows file names (EC2 allows any
    # ASCII); replace those with '_' for the default file name only.
    param([string] $Name)
    $invalid = [System.IO.Path]::GetInvalidFileNameChars() + [char[]]'<>:"/\|?*'
    $chars = $Name.ToCharArray()
    for ($i = 0; $i -lt $chars.Length; $i++) { if ($invalid -contains $chars[$i]) { $chars[$i] = '_' } }
    -join $chars
}

function Get-Ec2KeysKeyFileArgument {
    # `--out <file>` for a command that writes a private key (new, retrieve): -Path resolved
    # against the PowerShell location, else <name>.pem|.ppk|.key there. The executable's own
    # default is ./<name>.<ext> in the PROCESS cwd, which Set-Location does not change, so the
    # module always names the file. Nothing is returned (and an error is written) when the path
    # cannot be resolved.
    param([System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Path, [string] $Name, [string] $KeyFormat)
    if (-not $Path) {
        $ext = switch ($KeyFormat) { 'ppk' { '.ppk' } 'openssh' { '.key' } default { '.pem' } }
        $Path = (Get-Ec2KeysSafeFileName $Name) + $ext
    }
    $out = @(Resolve-Ec2KeysPath -Cmdlet $Cmdlet -LiteralPath $Path -AllowMissing)
    if ($out.Count) { '--out'; $out[0] }
}

function Assert-Ec2KeysParameterApplies {
    # A parameter that cannot apply is an error, never ignored: the executable's rule (a usage
    # error, exit 2), said here with the parameter names the user typed, before anything runs.
    param([System.Management.Automation.PSCmdlet] $Cmdlet, [bool] $Applies, [string] $Message)
    if ($Applies) { return }
    $ex = [System.ArgumentException]::new($Message)
    $Cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($ex, 'Ec2Keys.Usage', 'InvalidArgument', $null))
}

function Get-Ec2KeysOptionValue {
    # `--opt value`, or `--opt=value` when the value starts with '-' (a PEM "-----BEGIN" block),
    # which an option parser could otherwise take for another option.
    param([string] $Option, [AllowEmptyString()][string] $Value)
    if ($Value.StartsWith('-')) { "$Option=$Value" } else { $Option; $Value }
}

function ConvertFrom-Ec2KeysPublicKeyMaterial {
    # AWS.Tools' -PublicKeyMaterial is the key text base64-encoded (peers.md §1.2). Returns the
    # text for `--public-key`: the decoded text when it is a key in text form (OpenSSH line,
    # RFC 4716, PEM); the base64 itself when it decodes to binary (DER SubjectPublicKeyInfo, which
    # the executable accepts as base64). AWS's own example encodes twice; one extra layer is undone.
    param([string] $Material, [System.Management.Automation.PSCmdlet] $Cmdlet, [string] $KeyName)
    $current = $Material.Trim()
    for ($depth = 0; $depth -lt 2; $depth++) {
        # Checked by pattern, not by catching FormatException: a caught exception would still land
        # in the caller's -ErrorVariable.
        $compact = $current -replace '\s', ''
        if ($compact.Length % 4 -ne 0 -or $compact -notmatch '^[A-Za-z0-9+/]+={0,2}$') {
            if ($depth -gt 0) { return $current }
            $ex = [System.ArgumentException]::new('-PublicKeyMaterial is not base64; give the key text with -PublicKey, or a file with -PublicKeyFile')
            $record = [System.Management.Automation.ErrorRecord]::new($ex, 'InvalidParameterValue', 'InvalidArgument', $KeyName)
            $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($ex.Message)
            $record.ErrorDetails.RecommendedAction = "Import-EC2KeyPair -KeyName $KeyName -PublicKeyFile <path to .pub>"
            $Cmdlet.WriteError($record)
            return $null
        }
        $bytes = [System.Convert]::FromBase64String($compact)
        $text = [System.Text.Encoding]::UTF8.GetString($bytes).Trim([char]0xFEFF).Trim()
        if ($text -match '^(ssh-|ecdsa-|sk-|---- BEGIN|-----BEGIN)') { return $text }
        if ($text -notmatch '^[A-Za-z0-9+/=\s]+$') { return $current }
        $current = $text
    }
    $current
}

function Format-Ec2KeysKeyPairTarget {
    # The ShouldProcess target: "name (key-id)", so the question says which pair exactly.
    param([string] $KeyName, [string] $KeyPairId)
    if ($KeyName -and $KeyPairId) { return "$KeyName ($KeyPairId)" }
    if ($KeyName) { return $KeyName }
    $KeyPairId
}

function Invoke-Ec2KeysConvert {
    # Shared body of Convert-EC2KeyFile and ConvertTo-EC2PuttyKey -> `ec2keys convert` (cli.md),
    # one call per input file. The destination is always named here (the executable's default
    # would be relative to the process cwd, not the PowerShell location) and never defaults to the
    # input file itself; -Destination names one file, so it takes one input.
    param(
        [System.Management.Automation.PSCmdlet] $Cmdlet,
        [System.Collections.IDictionary] $BoundParameters,
        [string[]] $InputPath,
        [string] $To,
        [string] $Destination,
        [int] $PpkVersion,
        [string] $Comment,
        [securestring] $Passphrase,
        [securestring] $NewPassphrase,
        [switch] $Force
    )
    if ($Destination -and $InputPath.Count -gt 1) {
        $ex = [System.ArgumentException]::new("-Destination names one file but $($InputPath.Count) key files were given")
        $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($ex, 'Ec2Keys.AmbiguousPath', 'InvalidArgument', $Destination))
        return
    }
    $ext = @{ pem = '.pem'; pkcs8 = '.pem'; openssh = '.key'; ppk = '.ppk' }[$To]
    foreach ($in in $InputPath) {
        if ($Destination) {
            $out = @(Resolve-Ec2KeysPath -Cmdlet $Cmdlet -LiteralPath $Destination -AllowMissing)
            if (-not $out.Count) { return }
            $out = $out[0]
        } else {
            $dir = [System.IO.Path]::GetDirectoryName($in)
            $base = [System.IO.Path]::GetFileNameWithoutExtension($in)
            $out = [System.IO.Path]::Combine($dir, $base + $ext)
            if ([string]::Equals($out, $in, [System.StringComparison]::OrdinalIgnoreCase)) {
                $out = [System.IO.Path]::Combine($dir, "$base-$To$ext")
            }
        }
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $BoundParameters) + @('convert', '--to', $To)
        if ($PpkVersion) { $argv += @('--ppk-version', [string]$PpkVersion) }
        if ($PSBoundParameters.ContainsKey('Comment')) { $argv += @(Get-Ec2KeysOptionValue '--comment' $Comment) }
        $argv += @('--out', $out)
        if ($Force) { $argv += '--force' }
        $argv += @(Get-Ec2KeysPositional $in)

        if (-not $Cmdlet.ShouldProcess("$in -> $out", "Convert key file to $To")) { continue }
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $Cmdlet -Passphrase $Passphrase -NewPassphrase $NewPassphrase -Target $in
        if ($null -eq $r) { continue }
        $result = [pscustomobject]@{ Path = $in; KeyFile = $out; Format = $To; Encrypted = [bool]$NewPassphrase }
        foreach ($p in $r.PSObject.Properties) {
            if ($p.Name -notin @('Path', 'KeyFile')) { Set-Ec2KeysProperty -InputObject $result -Name $p.Name -Value $p.Value }
        }
        $result | Add-Ec2KeysTypeName -TypeName 'EC2Keys.ConvertedKeyFile'
    }
}
