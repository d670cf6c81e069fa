# Stand-ins for the few cmdlets outside Microsoft.PowerShell.Core that the EC2Keys tests use, for
# the engine fallback only (System.Management.Automation ships the engine and the Core cmdlets;
# Microsoft.PowerShell.Utility/Management/Security are separate packages that the NuGet copy here
# does not have). Each covers just the parameters the tests pass; real pwsh never loads this file.
# The module itself needs only ConvertFrom-Json, which ec2keys-pshost provides in C#.

function global:Push-Location { param([string] $LiteralPath, [string] $Path)
    $p = if ($LiteralPath) { [System.Management.Automation.WildcardPattern]::Escape($LiteralPath) } else { $Path }
    $ExecutionContext.SessionState.Path.PushCurrentLocation('')
    $null = $ExecutionContext.SessionState.Path.SetLocation($p)
}
function global:Pop-Location { $null = $ExecutionContext.SessionState.Path.PopLocation('') }
function global:Get-Location { $ExecutionContext.SessionState.Path.CurrentLocation }
function global:Get-Item { param([string] $LiteralPath)
    $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($LiteralPath)
    $o = [psobject][System.IO.FileInfo]::new($full)
    $o.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new('PSPath', "Microsoft.PowerShell.Core\FileSystem::$full"))
    $o
}
function global:Test-Path { param([Parameter(Position = 0)][string] $Path, [string] $LiteralPath)
    $p = if ($LiteralPath) { $LiteralPath } else { $Path }
    $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)
    [System.IO.File]::Exists($full) -or [System.IO.Directory]::Exists($full)
}
function global:Remove-Variable { param([string[]] $Name, [string] $Scope, [Parameter(ValueFromRemainingArguments = $true)] $Rest)
    foreach ($n in $Name) { if ($Scope -eq 'Global') { $null = $ExecutionContext.SessionState.PSVariable.Remove("global:$n") } }
}
function global:Import-PowerShellDataFile { param([string] $Path)
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null)
    $hash = $ast.Find({ param($a) $a -is [System.Management.Automation.Language.HashtableAst] }, $false)
    $hash.SafeGetValue()
}
function global:Write-Host { param([Parameter(Position = 0, ValueFromRemainingArguments = $true)] $Object, $ForegroundColor, [switch] $NoNewline)
    [Console]::WriteLine((@($Object) -join ' '))
}
function global:Select-Object { param([Parameter(ValueFromPipeline = $true)] $InputObject, [int] $First, [string] $ExpandProperty)
    begin { $n = 0 }
    process {
        if ($PSBoundParameters.ContainsKey('First') -and $n -ge $First) { return }
        $n++
        if ($ExpandProperty) { $InputObject.$ExpandProperty } else { $InputObject }
    }
}
