# Quality gates for EC2Keys (issue #5 §3-4; style.md §3.4, after gaelcolas/Sampler's module tests
# and dbatools' exact-parameter tests): the manifest is valid and exports exactly the Public/
# files; every cmdlet uses an approved verb, declares [OutputType()], has comment-based help with
# a synopsis, a description, at least two examples and a description for every parameter; every
# OutputType has a format view; PSScriptAnalyzer finds nothing (when it is installed).

BeforeDiscovery {
    $root = [System.IO.Path]::Combine($PSScriptRoot, '..')
    $script:PublicNames = @(
        foreach ($f in [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($root, 'Public'), '*.ps1')) {
            [System.IO.Path]::GetFileNameWithoutExtension($f)
        })
    $script:CommandCases = @(foreach ($n in $script:PublicNames) { @{ Name = $n } })
    $script:HaveAnalyzer = [bool](Get-Module -ListAvailable -Name PSScriptAnalyzer)
}

BeforeAll {
    $script:Root = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..'))
    $script:Manifest = [System.IO.Path]::Combine($script:Root, 'EC2Keys.psd1')
    $script:Module = Import-Module $script:Manifest -Force -PassThru -ErrorAction Stop
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

AfterAll {
    Remove-Module EC2Keys -Force -ErrorAction Ignore
}

Describe 'EC2Keys manifest' -Tag 'Quality' {
    It 'is a valid manifest for Windows PowerShell 5.1 and PowerShell 7' {
        $m = Test-ModuleManifest -Path $script:Manifest -ErrorAction Stop
        $m.PowerShellVersion | Should -Be ([version]'5.1')
        @($m.CompatiblePSEditions) | Should -Be @('Desktop', 'Core')
        $m.RootModule | Should -BeExactly 'EC2Keys.psm1'
        @($m.ExportedFormatFiles).Count | Should -Be 1
    }

    It 'lists FunctionsToExport explicitly, exactly the Public/ files' {
        $data = Import-PowerShellDataFile -Path $script:Manifest
        $listed = @($data.FunctionsToExport)
        $listed | Should -Not -Contain '*'
        $files = @(foreach ($f in [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($script:Root, 'Public'), '*.ps1')) { [System.IO.Path]::GetFileNameWithoutExtension($f) })
        [string[]]$a = $listed; [string[]]$b = $files
        [System.Array]::Sort($a, [System.StringComparer]::Ordinal); [System.Array]::Sort($b, [System.StringComparer]::Ordinal)
        $a | Should -Be $b
        $exported = @($script:Module.ExportedFunctions.Keys)
        [string[]]$c = $exported; [System.Array]::Sort($c, [System.StringComparer]::Ordinal)
        $c | Should -Be $b
    }

    It 'exports the cmdlets issue #5 asks for' {
        foreach ($n in 'New-EC2KeyPair', 'Import-EC2KeyPair', 'Get-EC2KeyPair', 'Remove-EC2KeyPair', 'Get-EC2PasswordData',
            'ConvertTo-EC2PuttyKey', 'Convert-EC2KeyFile', 'Get-EC2KeyFingerprint', 'Test-EC2KeyPair', 'Protect-EC2KeyFile', 'Publish-EC2KeyPair', 'Export-EC2PrivateKey') {
            $script:Module.ExportedFunctions.Keys | Should -Contain $n
        }
    }

    It 'has an about_EC2Keys help topic that documents living next to AWS.Tools.EC2' {
        $about = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($script:Root, 'en-US', 'about_EC2Keys.help.txt'))
        $about | Should -Match 'EC2Keys\\Get-EC2KeyPair'
        $about | Should -Match 'Import-Module EC2Keys -Prefix K'
    }
}

Describe '<Name>' -Tag 'Quality' -ForEach $script:CommandCases {
    BeforeAll {
        $script:Cmd = Get-Command -Name $Name -Module EC2Keys -ErrorAction Stop
        $script:Help = Get-Help -Name $script:Cmd.Name -Full -ErrorAction Stop
        $script:Params = @($script:Cmd.Parameters.Values | Where-Object { $script:Common -notcontains $_.Name })
    }

    It 'uses an approved verb' {
        $approved = foreach ($t in [System.Management.Automation.VerbsCommon], [System.Management.Automation.VerbsCommunications],
            [System.Management.Automation.VerbsData], [System.Management.Automation.VerbsDiagnostic], [System.Management.Automation.VerbsLifecycle],
            [System.Management.Automation.VerbsOther], [System.Management.Automation.VerbsSecurity]) {
            foreach ($f in $t.GetFields()) { $f.GetValue($null) }
        }
        $approved | Should -Contain $script:Cmd.Verb
    }

    It 'is an advanced function with [OutputType()]' {
        $script:Cmd.CmdletBinding | Should -BeTrue
        @($script:Cmd.OutputType).Count | Should -BeGreaterThan 0
    }

    It 'has a synopsis and a description' {
        $script:Help.Synopsis | Should -Not -BeNullOrEmpty
        $script:Help.Synopsis | Should -Not -Match ([regex]::Escape($script:Cmd.Name) + ' \[')   # not the generated syntax line
        ($script:Help.Description | ForEach-Object { $_.Text }) -join ' ' | Should -Match '.{40,}'
    }

    It 'has at least two examples that use it' {
        $examples = @($script:Help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) { ($e.Code + ' ' + ($e.Remarks | ForEach-Object { $_.Text }) -join ' ') | Should -Match ([regex]::Escape($script:Cmd.Name)) }
    }

    It 'describes every parameter' {
        foreach ($p in $script:Params) {
            $ph = @($script:Help.Parameters.Parameter | Where-Object { $_.Name -eq $p.Name })
            $ph.Count | Should -Be 1 -Because "parameter -$($p.Name) must appear in the help"
            (($ph[0].Description | ForEach-Object { $_.Text }) -join ' ').Trim().Length | Should -BeGreaterThan 10 -Because "parameter -$($p.Name) needs a description"
        }
    }

    It 'has a format view for each of its output types (except plain .NET types)' {
        $formats = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($script:Root, 'EC2Keys.Format.ps1xml'))
        foreach ($t in @($script:Cmd.OutputType)) {
            if ($t.Name -like 'EC2Keys.*') { $formats | Should -Match ('<TypeName>' + [regex]::Escape($t.Name) + '</TypeName>') }
        }
    }

    It 'names -KeyName like AWS.Tools.EC2 (position 0, pipeline by property name) where it has one' {
        $p = $script:Cmd.Parameters['KeyName']
        if ($null -ne $p) {
            $attr = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })[0]
            $attr.Position | Should -Be 0
            $attr.ValueFromPipelineByPropertyName | Should -BeTrue
        }
    }

    It 'has -Path with -LiteralPath, or neither, for its input files' {
        $names = @($script:Params | ForEach-Object { $_.Name })
        # New-EC2KeyPair's and Export-EC2PrivateKey's -Path is the file they write, not input.
        if ($names -contains 'Path' -and $script:Cmd.Name -notin 'New-EC2KeyPair', 'Export-EC2PrivateKey') { $names | Should -Contain 'LiteralPath' }
    }
}

Describe 'PSScriptAnalyzer' -Tag 'Quality', 'Analyzer' {
    It 'finds no warnings or errors in the module' -Skip:(-not $script:HaveAnalyzer) {
        Import-Module PSScriptAnalyzer -ErrorAction Stop
        $found = @(Invoke-ScriptAnalyzer -Path $script:Root -Recurse -Severity Warning, Error -ExcludeRule 'PSUseShouldProcessForStateChangingFunctions' |
                Where-Object { $_.ScriptPath -notlike '*Tests*' })
        ($found | ForEach-Object { '{0}:{1} {2} {3}' -f $_.ScriptName, $_.Line, $_.RuleName, $_.Message }) -join "`n" | Should -BeNullOrEmpty
    }
}
