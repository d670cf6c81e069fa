# Unit tests for EC2Keys (issue #5 §4): the gateway Invoke-Ec2KeysCli is mocked, so these pin the
# exact argument array each cmdlet hands to the executable (cli.md), what it does with the reply
# (type names, dates, pipeline), ShouldProcess behaviour, passphrases travelling as SecureString
# parameters (never in argv), path resolution against the PowerShell location, and the
# code -> ErrorCategory table. Real-process behaviour is in EC2Keys.Gateway.Tests.ps1.

BeforeAll {
    $script:ModuleManifest = [System.IO.Path]::Combine($PSScriptRoot, '..', 'EC2Keys.psd1')
    Import-Module $script:ModuleManifest -Force -ErrorAction Stop

    # Every call the cmdlets make is recorded; the reply is computed from the argument array.
    $global:Ec2KeysUnitCalls = [System.Collections.Generic.List[object]]::new()
    $global:Ec2KeysUnitReply = { param([string[]] $Argv) $null }
    Mock -ModuleName EC2Keys Invoke-Ec2KeysCli {
        $global:Ec2KeysUnitCalls.Add([pscustomobject]@{
                Args          = [string[]]$ArgumentList
                Joined        = ([string[]]$ArgumentList) -join '|'
                Passphrase    = $Passphrase
                NewPassphrase = $NewPassphrase
                Target        = $Target
                PassThruError = [bool]$PassThruError
                AcceptPartial = [bool]$AcceptPartialResult
            })
        & $global:Ec2KeysUnitReply ([string[]]$ArgumentList)
    }

    function Plain([securestring] $s) {
        [System.Net.NetworkCredential]::new('', $s).Password
    }
    function Secure([string] $s) {
        $ss = [securestring]::new()
        foreach ($c in $s.ToCharArray()) { $ss.AppendChar($c) }
        $ss
    }
}

AfterAll {
    Remove-Variable -Name Ec2KeysUnitCalls, Ec2KeysUnitReply -Scope Global -ErrorAction Ignore
    Remove-Module EC2Keys -Force -ErrorAction Ignore
}

Describe 'EC2Keys unit' -Tag 'Unit' {
    BeforeEach {
        $global:Ec2KeysUnitCalls.Clear()
        $global:Ec2KeysUnitReply = { param([string[]] $Argv) $null }
        Push-Location -LiteralPath $TestDrive
    }
    AfterEach {
        Pop-Location
    }

    Context 'New-EC2KeyPair' {
        It 'names the key file in the PowerShell location, not the process cwd' {
            $global:Ec2KeysUnitReply = { param($Argv) [pscustomobject]@{ KeyName = 'my key'; KeyPairId = 'key-0a'; KeyFingerprint = 'aa:bb'; KeyType = 'rsa'; Tags = @(); KeyFile = 'x' } }
            $r = New-EC2KeyPair 'my key'
            $global:Ec2KeysUnitCalls.Count | Should -Be 1
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly ('new|--out|{0}|my key' -f [System.IO.Path]::Combine($TestDrive, 'my key.pem'))
            $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyPair'
            $r.KeyPairId | Should -Be 'key-0a'
        }

        It 'maps every parameter to its option' {
            $null = New-EC2KeyPair -KeyName 'k' -KeyType rsa -KeySize 3072 -KeyFormat ppk -PpkVersion 2 -Platform linux `
                -Tag @{ b = '2'; a = '1' } -Path 'sub/k.key' -Force -Region eu-west-1 -ProfileName prof -EndpointUrl 'http://127.0.0.1:5000' -Store ec2
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly (@(
                    '--store', 'ec2', '--region', 'eu-west-1', '--profile', 'prof', '--endpoint-url', 'http://127.0.0.1:5000',
                    'new', '--type', 'rsa', '--bits', '3072', '--format', 'ppk', '--ppk-version', '2', '--platform', 'linux',
                    '--tag', 'a=1', '--tag', 'b=2', '--out', [System.IO.Path]::Combine($TestDrive, 'sub', 'k.key'), '--force', 'k') -join '|')
        }

        It 'refuses a parameter that cannot apply, in PowerShell terms, before the executable runs' -ForEach @(
            @{ Call = { New-EC2KeyPair 'k' -PpkVersion 2 }; Text = '-PpkVersion applies to PuTTY keys only' }
            @{ Call = { New-EC2KeyPair 'k' -KeyFormat openssh -PpkVersion 2 }; Text = '-PpkVersion applies to PuTTY keys only' }
            @{ Call = { New-EC2KeyPair 'k' -KeyType ed25519 -KeySize 4096 -Platform linux }; Text = '-KeySize applies to RSA keys only' }
            @{ Call = { Export-EC2PrivateKey 'k' -KeyFormat pem -PpkVersion 2 }; Text = '-PpkVersion applies to PuTTY keys only' }
            @{ Call = { Get-EC2PasswordData -InstanceId i-0abc -PemFile 'k.pem' -TimeoutSec 60 }; Text = '-TimeoutSec applies with -Wait only' }
            @{ Call = { Convert-EC2KeyFile -LiteralPath 'k.pem' -To openssh -PpkVersion 2 }; Text = '-PpkVersion applies to PuTTY keys only' }
            @{ Call = { Convert-EC2KeyFile -LiteralPath 'k.pem' -To pkcs8 -Comment 'c' }; Text = '-Comment applies to OpenSSH and PuTTY keys' }
        ) {
            [System.IO.File]::WriteAllText([System.IO.Path]::Combine($TestDrive, 'k.pem'), 'k')
            $err = $null
            try { & $Call } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -Match '^Ec2Keys\.Usage,'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -BeLike "$Text*"
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
        }

        It 'uses the extension of the key format for the default file' {
            $null = New-EC2KeyPair 'p' -KeyFormat ppk
            $global:Ec2KeysUnitCalls[0].Args | Should -Contain ([System.IO.Path]::Combine($TestDrive, 'p.ppk'))
        }

        It 'turns AWS.Tools TagSpecification objects into --tag options' {
            $spec = [pscustomobject]@{ ResourceType = 'key-pair'; Tags = @([pscustomobject]@{ Key = 'team'; Value = 'ops' }, @{ Key = 'env'; Value = 'prod' }) }
            $null = New-EC2KeyPair 'k' -TagSpecification $spec
            $global:Ec2KeysUnitCalls[0].Joined | Should -Match '\|--tag\|team=ops\|--tag\|env=prod\|'
        }

        It 'hands the passphrase over as a SecureString, never in the arguments' {
            $null = New-EC2KeyPair 'k' -Passphrase (Secure 'c0rrect horse')
            $call = $global:Ec2KeysUnitCalls[0]
            $call.NewPassphrase | Should -BeOfType [securestring]
            Plain $call.NewPassphrase | Should -BeExactly 'c0rrect horse'
            $call.Joined | Should -Not -Match 'horse'
        }

        It 'ends the options before a name that starts with a dash' {
            $null = New-EC2KeyPair '-dash' -Path k.pem
            $global:Ec2KeysUnitCalls[0].Args[-2] | Should -BeExactly '--'
            $global:Ec2KeysUnitCalls[0].Args[-1] | Should -BeExactly '-dash'
        }

        It 'creates nothing with -WhatIf' {
            New-EC2KeyPair 'k' -WhatIf
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
            Should -Invoke Invoke-Ec2KeysCli -ModuleName EC2Keys -Times 0 -Exactly
        }

        It 'refuses a key size outside 2048, 3072, 4096 before running anything' {
            { New-EC2KeyPair 'k' -KeySize 1024 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,New-EC2KeyPair'
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
        }
    }

    Context 'Import-EC2KeyPair' {
        BeforeAll {
            $script:SshLine = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDx3YmZ7b3Rl c@h'
        }

        It 'decodes -PublicKeyMaterial (base64, as AWS.Tools expects) into --public-key' {
            $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($script:SshLine + "`n"))
            $null = Import-EC2KeyPair 'laptop key' $b64 -Platform linux
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly ('import|--public-key|{0}|--platform|linux|laptop key' -f $script:SshLine)
        }

        It 'undoes a second layer of base64 (the AWS documentation example encodes twice)' {
            $once = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($script:SshLine))
            $twice = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($once))
            $null = Import-EC2KeyPair 'k' -PublicKeyMaterial $twice
            $global:Ec2KeysUnitCalls[0].Args | Should -Contain $script:SshLine
        }

        It 'passes binary (DER) material on as base64' {
            $der = [Convert]::ToBase64String([byte[]](0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86))
            $null = Import-EC2KeyPair 'k' -PublicKeyMaterial $der
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly "import|--public-key|$der|k"
        }

        It 'reports material that is not base64 as InvalidParameterValue without running anything' {
            Import-EC2KeyPair 'k' -PublicKeyMaterial 'ssh-rsa not base64!' -ErrorAction SilentlyContinue -ErrorVariable ev
            $ev.Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidParameterValue,Import-EC2KeyPair'
            $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
        }

        It 'takes -PublicKey text as it is' {
            $null = Import-EC2KeyPair 'k' -PublicKey "  $($script:SshLine)  "
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly "import|--public-key|$($script:SshLine)|k"
        }

        It 'uses --public-key=VALUE for PEM text, which starts with a dash' {
            $pem = "-----BEGIN PUBLIC KEY-----`nMIIB`n-----END PUBLIC KEY-----"
            $null = Import-EC2KeyPair 'k' -PublicKey $pem
            $global:Ec2KeysUnitCalls[0].Args[1] | Should -BeExactly "--public-key=$pem"
        }

        It 'resolves -PublicKeyFile against the PowerShell location' {
            [System.IO.File]::WriteAllText([System.IO.Path]::Combine($TestDrive, 'id.pub'), $script:SshLine)
            $null = Import-EC2KeyPair 'k' -PublicKeyFile 'id.pub'
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly ('import|--public-key-file|{0}|k' -f [System.IO.Path]::Combine($TestDrive, 'id.pub'))
        }

        It 'takes -LiteralPath with wildcard characters in the name literally' {
            $null = Import-EC2KeyPair 'k' -LiteralPath 'odd[1].pub'
            $global:Ec2KeysUnitCalls[0].Args | Should -Contain ([System.IO.Path]::Combine($TestDrive, 'odd[1].pub'))
        }

        It 'binds -LiteralPath from piped file objects (PSPath)' {
            $f = [System.IO.Path]::Combine($TestDrive, 'piped.pub')
            [System.IO.File]::WriteAllText($f, $script:SshLine)
            $null = Get-Item -LiteralPath $f | Import-EC2KeyPair -KeyName 'k'
            $global:Ec2KeysUnitCalls[0].Args | Should -Contain $f
        }

        It 'returns EC2Keys.KeyPair objects' {
            $global:Ec2KeysUnitReply = { param($Argv) [pscustomobject]@{ KeyName = 'k'; KeyPairId = 'key-1'; KeyFingerprint = 'ff'; KeyType = 'ed25519'; Tags = @() } }
            $r = Import-EC2KeyPair 'k' -PublicKey $script:SshLine -Platform linux
            $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyPair'
        }
    }

    Context 'Get-EC2KeyPair' {
        BeforeAll {
            $global:Ec2KeysUnitTwoPairs = {
                param($Argv)
                [pscustomobject]@{ KeyPairs = @(
                        [pscustomobject]@{ KeyPairId = 'key-0001'; KeyFingerprint = 'f1'; KeyName = 'web'; KeyType = 'rsa'; Tags = @(); CreateTime = '2024-05-01T10:20:30.000Z' },
                        [pscustomobject]@{ KeyPairId = 'key-0002'; KeyFingerprint = 'f2'; KeyName = "o'brien key"; KeyType = 'ed25519'; Tags = @(); CreateTime = '2024-05-02T00:00:00.000Z' }
                    )
                }
            }
        }

        It 'lists everything with no arguments' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitTwoPairs
            $r = @(Get-EC2KeyPair)
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly 'get'
            $r.Count | Should -Be 2
            $r[0].PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyPairInfo'
            $r[0].CreateTime | Should -BeOfType [datetime]
            $r[0].CreateTime.ToUniversalTime() | Should -Be ([datetime]::new(2024, 5, 1, 10, 20, 30, [DateTimeKind]::Utc))
            $r[1].KeyName | Should -BeExactly "o'brien key"
        }

        It 'maps names, ids, filters and -IncludePublicKey' {
            $null = Get-EC2KeyPair -KeyName 'a b', 'c' -KeyPairId key-1 -Filter @{ Name = 'tag:team'; Values = 'ops', 'dev' }, @{ 'key-type' = 'rsa' } -IncludePublicKey -Region us-east-2
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly '--region|us-east-2|get|--id|key-1|--filter|Name=tag:team,Values=ops,dev|--filter|Name=key-type,Values=rsa|--include-public-key|a b|c'
        }

        It 'accepts Amazon.EC2.Model.Filter-shaped objects' {
            $f = [pscustomobject]@{ Name = 'key-name'; Values = [System.Collections.Generic.List[string]]@('web*') }
            $null = Get-EC2KeyPair -Filter $f
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly 'get|--filter|Name=key-name,Values=web*'
        }

        It 'takes names from the pipeline, one call each' {
            $null = 'one', 'two' | Get-EC2KeyPair
            @($global:Ec2KeysUnitCalls | ForEach-Object { $_.Joined }) | Should -Be @('get|one', 'get|two')
        }

        It 'binds KeyName by property name' {
            $null = [pscustomobject]@{ KeyName = 'by-prop' } | Get-EC2KeyPair
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly 'get|by-prop'
        }

        It 'declares its output type' {
            (Get-Command Get-EC2KeyPair).OutputType.Name | Should -Contain 'EC2Keys.KeyPairInfo'
        }
    }

    Context 'Remove-EC2KeyPair' {
        BeforeAll {
            $global:Ec2KeysUnitLookup = {
                param($Argv)
                if ($Argv[0] -eq 'get') { return [pscustomobject]@{ KeyPairs = @([pscustomobject]@{ KeyName = $Argv[-1]; KeyPairId = 'key-0abc' }) } }
                [pscustomobject]@{ Return = $true; KeyPairId = 'key-0abc' }
            }
        }

        It 'removes by id with -Force, always passing --yes' {
            Remove-EC2KeyPair -KeyPairId key-0def -Force
            $global:Ec2KeysUnitCalls.Count | Should -Be 1
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly 'remove|--id|key-0def|--yes'
        }

        It 'looks a name up first (for the question and NotFound), then removes it by name' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitLookup
            Remove-EC2KeyPair 'web key' -Confirm:$false
            @($global:Ec2KeysUnitCalls | ForEach-Object { $_.Joined }) | Should -Be @('get|web key', 'remove|web key|--yes')
        }

        It 'reports a name that does not exist (EC2 itself would say nothing) and removes nothing' {
            $global:Ec2KeysUnitReply = {
                param($Argv)
                $rec = [System.Management.Automation.ErrorRecord]::new([System.Management.Automation.ItemNotFoundException]::new("the key pair 'typo' does not exist"),
                    'InvalidKeyPair.NotFound', 'ObjectNotFound', 'typo')
                [pscustomobject]@{ Code = 'InvalidKeyPair.NotFound'; Message = 'x'; Hint = $null; ExitCode = 1; ErrorRecord = $rec }
            }
            Remove-EC2KeyPair 'typo' -Force -ErrorAction SilentlyContinue -ErrorVariable ev
            $ev.Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -Match '^InvalidKeyPair\.NotFound'
            @($global:Ec2KeysUnitCalls | Where-Object { $_.Args -contains 'remove' }).Count | Should -Be 0
        }

        It 'changes nothing with -WhatIf, even with -Force' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitLookup
            Remove-EC2KeyPair 'web' -Force -WhatIf
            Remove-EC2KeyPair -KeyPairId key-1 -WhatIf
            @($global:Ec2KeysUnitCalls | Where-Object { $_.Args -contains 'remove' }).Count | Should -Be 0
        }

        It 'asks by default (ConfirmImpact High): with no way to answer, nothing is removed' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitLookup
            # A non-interactive host cannot answer the question; PowerShell then fails the call.
            { Remove-EC2KeyPair -KeyPairId key-1 -ErrorAction Stop } | Should -Throw
            @($global:Ec2KeysUnitCalls | Where-Object { $_.Args -contains 'remove' }).Count | Should -Be 0
            (Get-Command Remove-EC2KeyPair).ScriptBlock.Attributes.Where({ $_ -is [System.Management.Automation.CmdletBindingAttribute] })[0].ConfirmImpact | Should -Be 'High'
        }

        It 'puts name and id in the confirmation target' {
            InModuleScope EC2Keys {
                Format-Ec2KeysKeyPairTarget -KeyName 'web key' -KeyPairId 'key-0abc' | Should -BeExactly 'web key (key-0abc)'
                Format-Ec2KeysKeyPairTarget -KeyPairId 'key-0abc' | Should -BeExactly 'key-0abc'
            }
        }

        It 'removes what Get-EC2KeyPair pipes in, by name, without looking each up again' {
            $global:Ec2KeysUnitReply = {
                param($Argv)
                if ($Argv[0] -eq 'get') {
                    return [pscustomobject]@{ KeyPairs = @(
                            [pscustomobject]@{ KeyName = 'a'; KeyPairId = 'key-000a'; KeyType = 'rsa' },
                            [pscustomobject]@{ KeyName = 'b c'; KeyPairId = 'key-000b'; KeyType = 'rsa' }) }
                }
                [pscustomobject]@{ Return = $true }
            }
            $out = Get-EC2KeyPair | Remove-EC2KeyPair -Force -PassThru
            @($global:Ec2KeysUnitCalls | ForEach-Object { $_.Joined }) | Should -Be @('get', 'remove|a|--yes', 'remove|b c|--yes')
            @($out).Count | Should -Be 2
            $out[1].KeyName | Should -BeExactly 'b c'
            $out[1].PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.RemoveKeyPairResult'
        }

        It 'outputs nothing without -PassThru' {
            $global:Ec2KeysUnitReply = { param($Argv) [pscustomobject]@{ Return = $true } }
            $out = Remove-EC2KeyPair -KeyPairId key-1 -Force
            $out | Should -BeNullOrEmpty
        }
    }

    Context 'Get-EC2PasswordData' {
        BeforeAll {
            $global:Ec2KeysUnitPassword = { param($Argv) [pscustomobject]@{ InstanceId = 'i-0abc'; Password = 'Xy7$kP2q!Lm9' } }
        }

        It 'fetches by instance id with the key file resolved, -Wait and -TimeoutSec' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitPassword
            $pw = Get-EC2PasswordData -InstanceId i-0abc -PemFile 'keys/admin.ppk' -Wait -TimeoutSec 60 -Store ec2
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly ('--store|ec2|password|--instance-id|i-0abc|--wait|--timeout|60|--key|{0}' -f [System.IO.Path]::Combine($TestDrive, 'keys', 'admin.ppk'))
            $pw | Should -BeExactly 'Xy7$kP2q!Lm9'
        }

        It 'decrypts -PasswordData with -KeyFile (alias) and a passphrase' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitPassword
            $null = Get-EC2PasswordData -PasswordData ' QUJD ' -KeyFile k.key -Passphrase (Secure 'pp')
            $call = $global:Ec2KeysUnitCalls[0]
            $call.Joined | Should -BeExactly ('password|--data|QUJD|--key|{0}' -f [System.IO.Path]::Combine($TestDrive, 'k.key'))
            Plain $call.Passphrase | Should -BeExactly 'pp'
        }

        It 'returns a PSCredential for Administrator with -AsCredential' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitPassword
            $c = Get-EC2PasswordData i-0abc -PemFile k.pem -AsCredential
            $c | Should -BeOfType [System.Management.Automation.PSCredential]
            $c.UserName | Should -BeExactly 'Administrator'
            $c.GetNetworkCredential().Password | Should -BeExactly 'Xy7$kP2q!Lm9'
        }

        It 'binds InstanceId by property name' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitPassword
            $null = [pscustomobject]@{ InstanceId = 'i-0fff' } | Get-EC2PasswordData -PemFile k.pem -Decrypt
            $global:Ec2KeysUnitCalls[0].Args | Should -Contain 'i-0fff'
        }
    }

    Context 'Convert-EC2KeyFile and ConvertTo-EC2PuttyKey' {
        BeforeAll {
            $global:Ec2KeysUnitConverted = { param($Argv) [pscustomobject]@{ Format = 'ppk' } }
        }

        It 'writes next to the input with the new extension' {
            $global:Ec2KeysUnitReply = $global:Ec2KeysUnitConverted
            $r = Convert-EC2KeyFile -Path 'a.pem' -To ppk
            $in = [System.IO.Path]::Combine($TestDrive, 'a.pem')
            $out = [System.IO.Path]::Combine($TestDrive, 'a.ppk')
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly "convert|--to|ppk|--out|$out|$in"
            $r.KeyFile | Should -BeExactly $out
            $r.Path | Should -BeExactly $in
            $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.ConvertedKeyFile'
        }

        It 'never defaults the output to the input file itself' {
            $null = Convert-EC2KeyFile -Path 'a.pem' -To pem
            $global:Ec2KeysUnitCalls[0].Args | Should -Contain ([System.IO.Path]::Combine($TestDrive, 'a-pem.pem'))
        }

        It 'maps -Destination, -PpkVersion, -Comment, -Force and both passphrases' {
            $null = ConvertTo-EC2PuttyKey -LiteralPath 'in.key' -Destination 'out dir/o.ppk' -PpkVersion 2 -Comment 'my comment' -Force `
                -Passphrase (Secure 'old') -NewPassphrase (Secure 'new')
            $call = $global:Ec2KeysUnitCalls[0]
            $call.Joined | Should -BeExactly ('convert|--to|ppk|--ppk-version|2|--comment|my comment|--out|{0}|--force|{1}' -f [System.IO.Path]::Combine($TestDrive, 'out dir', 'o.ppk'), [System.IO.Path]::Combine($TestDrive, 'in.key'))
            Plain $call.Passphrase | Should -BeExactly 'old'
            Plain $call.NewPassphrase | Should -BeExactly 'new'
        }

        It 'expands wildcards in -Path, one conversion per file' {
            foreach ($n in 'x.pem', 'y.pem', 'z.txt') { [System.IO.File]::WriteAllText([System.IO.Path]::Combine($TestDrive, $n), 'k') }
            $null = Convert-EC2KeyFile -Path '*.pem' -To openssh
            @($global:Ec2KeysUnitCalls).Count | Should -Be 2
            $global:Ec2KeysUnitCalls[1].Args | Should -Contain ([System.IO.Path]::Combine($TestDrive, 'y.key'))
        }

        It 'reports a wildcard that matches nothing' {
            Convert-EC2KeyFile -Path 'none*.pem' -To ppk -ErrorAction SilentlyContinue -ErrorVariable ev
            $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.PathNotFound,Convert-EC2KeyFile'
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
        }

        It 'converts nothing with -WhatIf' {
            ConvertTo-EC2PuttyKey 'a.pem' -WhatIf
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
        }
    }

    Context 'Get-EC2KeyFingerprint, Test-EC2KeyPair, Protect-EC2KeyFile, Publish-EC2KeyPair' {
        It 'fingerprints a file and keeps its path on the result' {
            $global:Ec2KeysUnitReply = { param($Argv) [pscustomobject]@{ KeyType = 'rsa'; Bits = 2048; ImportedFingerprint = 'aa'; CreatedFingerprint = 'bb'; Sha256 = 'SHA256:x' } }
            $r = Get-EC2KeyFingerprint 'k.pem'
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly ('fingerprint|{0}' -f [System.IO.Path]::Combine($TestDrive, 'k.pem'))
            $r.Path | Should -BeExactly ([System.IO.Path]::Combine($TestDrive, 'k.pem'))
            $r.Sha256 | Should -BeExactly 'SHA256:x'
            $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyFingerprint'
        }

        It 'Test-EC2KeyPair is $true when verify succeeds' {
            $global:Ec2KeysUnitReply = { param($Argv) [pscustomobject]@{ KeyName = 'k'; Match = $true } }
            Test-EC2KeyPair -KeyName 'k' -Path 'k.pem' | Should -BeTrue
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly ('verify|{0}|k' -f [System.IO.Path]::Combine($TestDrive, 'k.pem'))
            $global:Ec2KeysUnitCalls[0].PassThruError | Should -BeTrue
        }

        It 'Test-EC2KeyPair is $false on Ec2Keys.KeyMismatch, with no error' {
            $global:Ec2KeysUnitReply = {
                param($Argv)
                $rec = [System.Management.Automation.ErrorRecord]::new([Exception]::new('no match'), 'Ec2Keys.KeyMismatch', 'InvalidResult', 'k')
                [pscustomobject]@{ Code = 'Ec2Keys.KeyMismatch'; Message = 'no match'; Hint = $null; ExitCode = 1; ErrorRecord = $rec }
            }
            $r = Test-EC2KeyPair 'k' 'k.pem' -ErrorVariable ev
            $r | Should -BeFalse
            $r | Should -BeOfType [bool]
            $ev.Count | Should -Be 0
        }

        It 'Test-EC2KeyPair writes other failures as errors and returns nothing' {
            $global:Ec2KeysUnitReply = {
                param($Argv)
                $rec = [System.Management.Automation.ErrorRecord]::new([Exception]::new('missing'), 'InvalidKeyPair.NotFound', 'ObjectNotFound', 'k')
                [pscustomobject]@{ Code = 'InvalidKeyPair.NotFound'; Message = 'missing'; Hint = $null; ExitCode = 1; ErrorRecord = $rec }
            }
            $r = Test-EC2KeyPair 'k' 'k.pem' -ErrorAction SilentlyContinue -ErrorVariable ev
            $r | Should -BeNullOrEmpty
            $ev[0].FullyQualifiedErrorId | Should -Match '^InvalidKeyPair\.NotFound'
        }

        It 'Protect-EC2KeyFile protects each file and supports -WhatIf' {
            $global:Ec2KeysUnitReply = { param($Argv) [pscustomobject]@{ Results = @([pscustomobject]@{ File = $Argv[-1]; Before = '0644'; After = '0600'; Changed = $true }) } }
            $r = Protect-EC2KeyFile -LiteralPath 'a.pem', 'b c.pem'
            @($global:Ec2KeysUnitCalls | ForEach-Object { $_.Joined }) | Should -Be @(
                ('protect|{0}' -f [System.IO.Path]::Combine($TestDrive, 'a.pem')), ('protect|{0}' -f [System.IO.Path]::Combine($TestDrive, 'b c.pem')))
            $global:Ec2KeysUnitCalls[0].AcceptPartial | Should -BeTrue
            @($r).Count | Should -Be 2
            $r[0].PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyFileProtection'
            $r[1].Path | Should -BeExactly ([System.IO.Path]::Combine($TestDrive, 'b c.pem'))
            $r[1].Before | Should -BeExactly '0644'
            $r[1].After | Should -BeExactly '0600'
            $r[1].Changed | Should -BeTrue
            $global:Ec2KeysUnitCalls.Clear()
            Protect-EC2KeyFile 'a.pem' -WhatIf
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
        }

        It 'Protect-EC2KeyFile writes a file that could not be protected as an error naming it, and still outputs the others' {
            $global:Ec2KeysUnitReply = {
                param($Argv)
                if ($Argv[-1] -like '*nope.pem') {
                    [pscustomobject]@{ Results = @([pscustomobject]@{ File = $Argv[-1]; Error = [pscustomobject]@{ Code = 'Ec2Keys.FileError'; Message = "cannot protect $($Argv[-1]): it does not exist" } }) }
                } else {
                    [pscustomobject]@{ Results = @([pscustomobject]@{ File = $Argv[-1]; Before = '0644'; After = '0600'; Changed = $true }) }
                }
            }
            $nope = [System.IO.Path]::Combine($TestDrive, 'nope.pem')
            $r = Protect-EC2KeyFile -LiteralPath 'nope.pem', 'a.pem' -ErrorAction SilentlyContinue -ErrorVariable ev
            @($r).Count | Should -Be 1
            $r.Path | Should -BeExactly ([System.IO.Path]::Combine($TestDrive, 'a.pem'))
            $ev.Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.FileError,Protect-EC2KeyFile'
            $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $ev[0].TargetObject | Should -BeExactly $nope
            $ev[0].Exception.Message | Should -BeExactly "cannot protect ${nope}: it does not exist"
        }

        It 'Publish-EC2KeyPair pushes to the regions and splits per-region failures into errors' {
            $global:Ec2KeysUnitReply = {
                param($Argv)
                [pscustomobject]@{ Results = @(
                        [pscustomobject]@{ Region = 'us-east-1'; KeyPairId = 'key-1'; KeyFingerprint = 'ff' },
                        [pscustomobject]@{ Region = 'eu-west-1'; Error = [pscustomobject]@{ Code = 'Ec2Keys.KeyMismatch'; Message = 'a different key is registered as k in eu-west-1' } }) }
            }
            $r = Publish-EC2KeyPair 'k' -DestinationRegion us-east-1, eu-west-1 -Region us-west-2 -Force -ErrorAction SilentlyContinue -ErrorVariable ev
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly '--region|us-west-2|push|--regions|us-east-1,eu-west-1|k'
            @($r).Count | Should -Be 1
            $r.KeyName | Should -BeExactly 'k'
            $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.PublishResult'
            $ev.Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.KeyMismatch,Publish-EC2KeyPair'
            $ev[0].CategoryInfo.Category | Should -Be 'InvalidResult'
            $global:Ec2KeysUnitCalls[0].AcceptPartial | Should -BeTrue
            $ev[0].TargetObject | Should -BeExactly 'k (eu-west-1)'
        }

        It 'Publish-EC2KeyPair -AllRegions pushes to all' {
            $null = Publish-EC2KeyPair 'k' -AllRegions -Confirm:$false
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly 'push|--regions|all|k'
        }
    }

    Context 'Export-EC2PrivateKey' {
        It 'retrieves by name into the PowerShell location, in the format asked for' {
            $global:Ec2KeysUnitReply = { param($Argv) [pscustomobject]@{ KeyName = 'stack key'; KeyPairId = 'key-0a'; KeyFingerprint = 'aa'; KeyType = 'rsa'; KeyFile = 'x' } }
            $r = Export-EC2PrivateKey 'stack key' -KeyFormat ppk -PpkVersion 2 -Region eu-west-1 -EndpointUrl 'http://127.0.0.1:9'
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly ('--region|eu-west-1|--endpoint-url|http://127.0.0.1:9|retrieve|--format|ppk|--ppk-version|2|--out|{0}|stack key' -f [System.IO.Path]::Combine($TestDrive, 'stack key.ppk'))
            $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyPair'
        }

        It 'retrieves by id, with -Path, -Force and a passphrase that never reaches argv' {
            $null = Export-EC2PrivateKey -KeyPairId 'key-0123456789abcdef0' -Path 'sub/k.key' -KeyFormat openssh -Force -Passphrase (Secure 'p w')
            $c = $global:Ec2KeysUnitCalls[0]
            $c.Joined | Should -BeExactly ('retrieve|--format|openssh|--out|{0}|--force|--id|key-0123456789abcdef0' -f [System.IO.Path]::Combine($TestDrive, 'sub', 'k.key'))
            Plain $c.NewPassphrase | Should -BeExactly 'p w'
            $c.Joined | Should -Not -Match 'p w'
        }

        It 'takes key pairs from the pipeline by name, defaulting the file name to a safe form of it' {
            $pairs = @([pscustomobject]@{ KeyName = 'a:b'; KeyPairId = 'key-01' }, [pscustomobject]@{ KeyName = 'c'; KeyPairId = 'key-02' })
            $null = $pairs | Export-EC2PrivateKey -Confirm:$false
            @($global:Ec2KeysUnitCalls | ForEach-Object { $_.Joined }) | Should -Be @(
                ('retrieve|--out|{0}|a:b' -f [System.IO.Path]::Combine($TestDrive, 'a_b.pem')),
                ('retrieve|--out|{0}|c' -f [System.IO.Path]::Combine($TestDrive, 'c.pem')))
        }

        It 'does nothing with -WhatIf and refuses an id that is not key-…' {
            Export-EC2PrivateKey 'k' -WhatIf
            $global:Ec2KeysUnitCalls.Count | Should -Be 0
            { Export-EC2PrivateKey -KeyPairId 'i-0abc' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Export-EC2PrivateKey'
        }
    }

    Context 'error mapping' {
        It 'maps <Code> (exit <ExitCode>) to <Category>' -ForEach @(
            @{ Code = 'InvalidKeyPair.NotFound'; ExitCode = 1; Category = 'ObjectNotFound' }
            @{ Code = 'InvalidKeyPair.Duplicate'; ExitCode = 1; Category = 'ResourceExists' }
            @{ Code = 'Ec2Keys.FileExists'; ExitCode = 1; Category = 'ResourceExists' }
            @{ Code = 'InvalidKey.Format'; ExitCode = 1; Category = 'InvalidData' }
            @{ Code = 'Ec2Keys.CorruptKey'; ExitCode = 1; Category = 'InvalidData' }
            @{ Code = 'Ec2Keys.WrongKey'; ExitCode = 1; Category = 'InvalidData' }
            @{ Code = 'Ec2Keys.BadPassphrase'; ExitCode = 1; Category = 'AuthenticationError' }
            @{ Code = 'Ec2Keys.PassphraseRequired'; ExitCode = 1; Category = 'SecurityError' }
            @{ Code = 'InvalidParameterValue'; ExitCode = 1; Category = 'InvalidArgument' }
            @{ Code = 'Ec2Keys.Usage'; ExitCode = 2; Category = 'InvalidArgument' }
            @{ Code = 'Ec2Keys.PasswordNotReady'; ExitCode = 1; Category = 'ResourceUnavailable' }
            @{ Code = 'Ec2Keys.UnsupportedForWindows'; ExitCode = 1; Category = 'InvalidOperation' }
            @{ Code = 'KeyPairLimitExceeded'; ExitCode = 1; Category = 'LimitsExceeded' }
            @{ Code = 'Ec2Keys.KeyMismatch'; ExitCode = 1; Category = 'InvalidResult' }
            @{ Code = 'Ec2Keys.Interrupted'; ExitCode = 130; Category = 'OperationStopped' }
            @{ Code = 'Ec2Keys.Cancelled'; ExitCode = 1; Category = 'OperationStopped' }
            @{ Code = 'InvalidKeyPair.SomethingNew'; ExitCode = 1; Category = 'InvalidArgument' }
            @{ Code = 'Some.Future.NotFound'; ExitCode = 1; Category = 'ObjectNotFound' }
            @{ Code = 'Ec2Keys.SomethingElse'; ExitCode = 2; Category = 'InvalidArgument' }
            @{ Code = 'Ec2Keys.SomethingElse'; ExitCode = 1; Category = 'NotSpecified' }
        ) {
            $rec = InModuleScope EC2Keys -Parameters @{ Code = $Code; ExitCode = $ExitCode } {
                param($Code, $ExitCode)
                New-Ec2KeysErrorRecord -ErrorDocument ([pscustomobject]@{ Code = $Code; Message = 'm'; Hint = 'h' }) -ExitCode $ExitCode -Target 'tgt'
            }
            $rec.CategoryInfo.Category | Should -Be $Category
            $rec.FullyQualifiedErrorId | Should -BeExactly $Code
            $rec.TargetObject | Should -BeExactly 'tgt'
            $rec.ErrorDetails.RecommendedAction | Should -BeExactly 'h'
            $rec.Exception.Data['Ec2KeysCode'] | Should -BeExactly $Code
        }

        It 'prefers the Target the executable names, and tells file errors apart by message' {
            InModuleScope EC2Keys {
                $r = New-Ec2KeysErrorRecord -ErrorDocument ([pscustomobject]@{ Code = 'Ec2Keys.FileError'; Message = "cannot read /x: no such file"; Target = '/x' }) -Target 'fallback'
                $r.TargetObject | Should -BeExactly '/x'
                $r.CategoryInfo.Category | Should -Be 'ObjectNotFound'
                $r.Exception | Should -BeOfType [System.Management.Automation.ItemNotFoundException]
                (New-Ec2KeysErrorRecord -ErrorDocument ([pscustomobject]@{ Code = 'Ec2Keys.FileError'; Message = 'EACCES: permission denied' })).CategoryInfo.Category | Should -Be 'PermissionDenied'
            }
        }

        It 'escapes arguments for Legacy native argument passing (Windows PowerShell 5.1)' {
            InModuleScope EC2Keys {
                ConvertTo-Ec2KeysNativeArgument 'plain' | Should -BeExactly 'plain'
                ConvertTo-Ec2KeysNativeArgument '' | Should -BeExactly '""'
                ConvertTo-Ec2KeysNativeArgument 'say "hi"' | Should -BeExactly 'say \"hi\"'
                ConvertTo-Ec2KeysNativeArgument 'a\"b' | Should -BeExactly 'a\\\"b'
                ConvertTo-Ec2KeysNativeArgument 'C:\my dir\' | Should -BeExactly 'C:\my dir\\'
            }
        }
    }

    Context 'argument completion' {
        It 'completes -KeyName from the store, quoting names with spaces or quotes' {
            $global:Ec2KeysUnitReply = {
                param($Argv)
                [pscustomobject]@{ KeyPairs = @(
                        [pscustomobject]@{ KeyName = 'web'; KeyPairId = 'key-1'; KeyType = 'rsa' },
                        [pscustomobject]@{ KeyName = "ops key"; KeyPairId = 'key-2'; KeyType = 'rsa' },
                        [pscustomobject]@{ KeyName = "o'neil"; KeyPairId = 'key-3'; KeyType = 'rsa' }) }
            }
            $line = 'Get-EC2KeyPair -Region eu-west-1 -KeyName o'
            $c = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)
            @($c.CompletionMatches | ForEach-Object { $_.CompletionText }) | Should -Be @("'ops key'", "'o''neil'")
            $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly '--region|eu-west-1|get'
        }
    }
}

Describe 'EC2Keys next to AWS.Tools.EC2' -Tag 'Unit', 'Coexistence' {
    BeforeAll {
        # A stand-in with the same command names as AWS.Tools.EC2, imported after EC2Keys.
        $script:Aws = New-Module -Name 'AWS.Tools.EC2' -ScriptBlock {
            function Get-EC2KeyPair { 'from AWS.Tools.EC2' }
            function Remove-EC2KeyPair { 'from AWS.Tools.EC2' }
            Export-ModuleMember -Function Get-EC2KeyPair, Remove-EC2KeyPair
        } | Import-Module -PassThru -Force
    }
    AfterAll {
        Remove-Module -Name 'AWS.Tools.EC2' -Force -ErrorAction Ignore
        Remove-Module -Name EC2Keys -Force -ErrorAction Ignore
        Import-Module $script:ModuleManifest -Force
    }
    BeforeEach {
        $global:Ec2KeysUnitCalls.Clear()
    }

    It 'the module imported last wins the plain name' {
        Get-EC2KeyPair | Should -BeExactly 'from AWS.Tools.EC2'
        (Get-Command Get-EC2KeyPair).ModuleName | Should -BeExactly 'AWS.Tools.EC2'
    }

    It 'a module-qualified name always reaches EC2Keys' {
        $null = EC2Keys\Get-EC2KeyPair -KeyName 'q'
        $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly 'get|q'
        (Get-Command EC2Keys\Get-EC2KeyPair).ModuleName | Should -BeExactly 'EC2Keys'
    }

    It 'Import-Module -Prefix K gives EC2Keys its own names' {
        Remove-Module -Name EC2Keys -Force
        Import-Module $script:ModuleManifest -Prefix K -Force
        $cmd = Get-Command Get-KEC2KeyPair -ErrorAction Stop
        $cmd.ModuleName | Should -BeExactly 'EC2Keys'
        (Get-Command -Module EC2Keys).Count | Should -Be ([System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, '..', 'Public'), '*.ps1').Count)
        @(Get-Command -Module EC2Keys | Where-Object { $_.Noun -notlike 'KEC2*' }).Count | Should -Be 0
        Get-EC2KeyPair | Should -BeExactly 'from AWS.Tools.EC2'
        # The gateway still works under the prefix (argument array unchanged).
        Mock -ModuleName EC2Keys Invoke-Ec2KeysCli { $global:Ec2KeysUnitCalls.Add([pscustomobject]@{ Joined = ([string[]]$ArgumentList) -join '|' }) }
        $null = Get-KEC2KeyPair -KeyName 'p'
        $global:Ec2KeysUnitCalls[0].Joined | Should -BeExactly 'get|p'
    }
}
