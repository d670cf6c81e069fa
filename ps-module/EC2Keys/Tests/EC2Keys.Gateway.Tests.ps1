# The gateway against a REAL child process (issue #5 §2): a small node program stands in for
# ec2keys and echoes what it received (arguments, passphrase variables, cwd) or fails on request
# with the contract's error shapes (cli.md "Exit codes and errors"). This pins what no mock can:
# the argument array survives spaces, quotes and empty strings; passphrases arrive in the
# environment and are put back afterwards; exit codes and {"Error":...} documents become
# ErrorRecords that -ErrorAction / -ErrorVariable / try handle; a missing executable stops the
# command. The real ec2keys is exercised in EC2Keys.Integration.Tests.ps1.

BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'EC2Keys.psd1')) -Force -ErrorAction Stop

    $script:SavedExe = $env:EC2KEYS_EXE

    function Secure([string] $s) {
        $ss = [securestring]::new()
        foreach ($c in $s.ToCharArray()) { $ss.AppendChar($c) }
        $ss
    }
}

AfterAll {
    $env:EC2KEYS_EXE = $script:SavedExe
    $env:FAKE_MODE = $null
    $env:FAKE_ERROR = $null
    $env:FAKE_EXIT = $null
    Remove-Module EC2Keys -Force -ErrorAction Ignore
}

Describe 'Invoke-Ec2KeysCli with a real process' -Tag 'Gateway' {
    BeforeAll {
        $script:Fake = [System.IO.Path]::Combine($TestDrive, 'fake-ec2keys.js')
        [System.IO.File]::WriteAllText($script:Fake, @'
#!/usr/bin/env node
// Stand-in for ec2keys: FAKE_MODE selects the behaviour.
const args = process.argv.slice(2);
const env = process.env;
switch (env.FAKE_MODE || 'echo') {
  case 'echo':
        console.log(JSON.stringify({ Args: args, Passphrase: env.EC2KEYS_PASSPHRASE ?? null,
          NewPassphrase: env.EC2KEYS_NEW_PASSPHRASE ?? null, Cwd: process.cwd() }, null, 2));
        process.exit(0);
  case 'error': {
        const e = JSON.parse(env.FAKE_ERROR);
        process.stderr.write(`ec2keys: ${e.Code}: ${e.Message}\n` + (e.Hint ? `hint: ${e.Hint}\n` : ''));
        console.log(JSON.stringify({ Error: e }));
        process.exit(Number(env.FAKE_EXIT || 1));
  }
  case 'stderr-only':
        process.stderr.write('ec2keys: Ec2Keys.CorruptKey: the MAC of k.ppk does not match\nhint: the file is damaged or the passphrase is wrong\n');
        process.exit(1);
  case 'crash':
        process.stderr.write('Segmentation fault\n');
        process.exit(139);
  case 'not-json':
        console.log('hello');
        process.exit(0);
  case 'partial':
        console.log(JSON.stringify({ KeyName: 'k', Results: [
          { Region: 'us-east-1', Status: 'imported', KeyPairId: 'key-01', KeyFingerprint: 'aa' },
          { Region: 'eu-west-1', Status: 'failed', Error: { Code: 'Ec2Keys.KeyMismatch', Message: 'a different key is registered as k in eu-west-1' } }] }));
        process.stderr.write('ec2keys: Ec2Keys.PartialFailure: 1 of 2 regions failed\n');
        process.exit(1);
}
'@)
        $env:EC2KEYS_EXE = $script:Fake
    }

    BeforeEach {
        $env:FAKE_MODE = 'echo'
        $env:FAKE_ERROR = $null
        $env:FAKE_EXIT = $null
    }

    It 'always adds --json --no-input and keeps every argument intact' {
        $r = InModuleScope EC2Keys {
            Invoke-Ec2KeysCli -ArgumentList @('get', 'it''s a "quoted" name', '', 'two  spaces', 'ünïcödé', 'back\slash\') 
        }
        $r.Args | Should -Be @('--json', '--no-input', 'get', 'it''s a "quoted" name', '', 'two  spaces', 'ünïcödé', 'back\slash\')
    }

    It 'hands passphrases over in the environment for that call only, then restores it' {
        $env:EC2KEYS_PASSPHRASE = 'previous value'
        $env:EC2KEYS_NEW_PASSPHRASE = $null
        try {
            $r = InModuleScope EC2Keys -Parameters @{ P = (Secure 'old pass'); N = (Secure 'new "pass"') } {
                param($P, $N)
                Invoke-Ec2KeysCli -ArgumentList @('convert', 'k.pem') -Passphrase $P -NewPassphrase $N
            }
            $r.Passphrase | Should -BeExactly 'old pass'
            $r.NewPassphrase | Should -BeExactly 'new "pass"'
            ($r.Args -join ' ') | Should -Not -Match 'pass'
            $env:EC2KEYS_PASSPHRASE | Should -BeExactly 'previous value'
            # Removed again, not left empty (an empty variable would be an empty passphrase).
            [Environment]::GetEnvironmentVariable('EC2KEYS_NEW_PASSPHRASE') | Should -Be $null
            $r2 = InModuleScope EC2Keys { Invoke-Ec2KeysCli -ArgumentList @('get') }
            $r2.NewPassphrase | Should -Be $null
        } finally {
            $env:EC2KEYS_PASSPHRASE = $null
        }
    }

    It 'passes no passphrase when none is given' {
        $r = InModuleScope EC2Keys { Invoke-Ec2KeysCli -ArgumentList @('get') }
        $r.Passphrase | Should -BeNullOrEmpty
    }

    It 'shows the argument array with -Verbose' {
        $out = Get-EC2KeyPair -KeyName 'a b' -Verbose 4>&1
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -BeExactly "ec2keys --json --no-input get 'a b'"
    }

    It 'turns {"Error":...} into an ErrorRecord with the code, category, target and hint' {
        $env:FAKE_MODE = 'error'
        $env:FAKE_ERROR = '{"Code":"InvalidKeyPair.NotFound","Message":"the key pair \u0027my key\u0027 does not exist","Hint":"list them with Get-EC2KeyPair"}'
        $out = Get-EC2KeyPair -KeyName 'my key' -ErrorAction SilentlyContinue -ErrorVariable ev
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKeyPair.NotFound,Get-EC2KeyPair'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -BeExactly 'my key'
        $ev[0].ErrorDetails.Message | Should -BeExactly "the key pair 'my key' does not exist"
        $ev[0].ErrorDetails.RecommendedAction | Should -BeExactly 'list them with Get-EC2KeyPair'
        $ev[0].Exception | Should -BeOfType [System.Management.Automation.ItemNotFoundException]
    }

    It 'is non-terminating by default and terminating with -ErrorAction Stop' {
        $env:FAKE_MODE = 'error'
        $env:FAKE_ERROR = '{"Code":"Ec2Keys.BadPassphrase","Message":"wrong passphrase for k.ppk","Target":"k.ppk"}'
        $after = & { Get-EC2KeyFingerprint -LiteralPath 'k.ppk' -ErrorAction SilentlyContinue; 'went on' }
        $after | Should -BeExactly 'went on'
        $reached = $false
        { Get-EC2KeyFingerprint -LiteralPath 'k.ppk' -ErrorAction Stop } | Should -Throw -ErrorId 'Ec2Keys.BadPassphrase,Get-EC2KeyFingerprint'
        try {
            Get-EC2KeyFingerprint -LiteralPath 'k.ppk' -ErrorAction Stop
        } catch [System.Security.Authentication.AuthenticationException] {
            $_.TargetObject | Should -BeExactly 'k.ppk'
            $_.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $reached = $true
        }
        $reached | Should -BeTrue
    }

    It 'maps exit code 2 (usage) to InvalidArgument' {
        $env:FAKE_MODE = 'error'
        $env:FAKE_EXIT = '2'
        $env:FAKE_ERROR = '{"Code":"Ec2Keys.Usage","Message":"--bits must be one of 2048, 3072, 4096"}'
        Get-EC2KeyPair -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.Usage,Get-EC2KeyPair'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.Data['ExitCode'] | Should -Be 2
    }

    It 'falls back to the stderr lines when stdout has no error document' {
        $env:FAKE_MODE = 'stderr-only'
        Get-EC2KeyFingerprint -LiteralPath 'k.ppk' -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.CorruptKey,Get-EC2KeyFingerprint'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $ev[0].ErrorDetails.Message | Should -BeExactly 'the MAC of k.ppk does not match'
        $ev[0].ErrorDetails.RecommendedAction | Should -BeExactly 'the file is damaged or the passphrase is wrong'
    }

    It 'reports a crash with its exit code and stderr' {
        $env:FAKE_MODE = 'crash'
        Get-EC2KeyPair -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.ProcessFailed,Get-EC2KeyPair'
        $ev[0].ErrorDetails.Message | Should -BeExactly 'Segmentation fault'
        $ev[0].Exception.Data['ExitCode'] | Should -Be 139
    }

    It 'reports output that is not JSON' {
        $env:FAKE_MODE = 'not-json'
        Get-EC2KeyPair -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.InvalidResponse,Get-EC2KeyPair'
    }

    It 'hands a batch command its per-item results on a partial failure; other commands get the error' {
        $env:FAKE_MODE = 'partial'
        $r = @(Publish-EC2KeyPair 'k' -DestinationRegion us-east-1, eu-west-1 -Force -ErrorAction SilentlyContinue -ErrorVariable ev)
        $r.Count | Should -Be 1
        $r[0].Region | Should -BeExactly 'us-east-1'
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.KeyMismatch,Publish-EC2KeyPair'
        $out = Get-EC2KeyPair -ErrorAction SilentlyContinue -ErrorVariable ev2
        $out | Should -BeNullOrEmpty
        $ev2[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.PartialFailure,Get-EC2KeyPair'
    }

    It 'stops the command when EC2KEYS_EXE names a file that does not exist' {
        $env:EC2KEYS_EXE = [System.IO.Path]::Combine($TestDrive, 'no-such-ec2keys')
        try {
            { Get-EC2KeyPair -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'Ec2Keys.ExecutableNotFound,Get-EC2KeyPair'
        } finally {
            $env:EC2KEYS_EXE = $script:Fake
        }
    }

    It 'finds ec2keys on PATH when EC2KEYS_EXE is not set' {
        $bin = [System.IO.Path]::Combine($TestDrive, 'pathbin')
        $null = [System.IO.Directory]::CreateDirectory($bin)
        $isWin = [System.IO.Path]::DirectorySeparatorChar -eq '\'
        $name = if ($isWin) { 'ec2keys.cmd' } else { 'ec2keys' }
        $shim = [System.IO.Path]::Combine($bin, $name)
        if ($isWin) {
            [System.IO.File]::WriteAllText($shim, "@node `"$($script:Fake)`" %*`r`n")
        } else {
            [System.IO.File]::WriteAllText($shim, "#!/bin/sh`nexec node '$($script:Fake)' `"`$@`"`n")
            & chmod 755 $shim
        }
        $savedPath = $env:PATH
        $env:EC2KEYS_EXE = $null
        $env:PATH = $bin + [System.IO.Path]::PathSeparator + $env:PATH
        try {
            $r = InModuleScope EC2Keys { Invoke-Ec2KeysCli -ArgumentList @('get', 'x y') }
            $r.Args | Should -Be @('--json', '--no-input', 'get', 'x y')
        } finally {
            $env:PATH = $savedPath
            $env:EC2KEYS_EXE = $script:Fake
        }
    }

    It 'hands the executable absolute paths resolved against the PowerShell location' {
        $sub = [System.IO.Path]::Combine($TestDrive, 'loc dir')
        $null = [System.IO.Directory]::CreateDirectory($sub)
        Push-Location -LiteralPath $sub
        try {
            $v = @(Get-EC2KeyFingerprint -LiteralPath 'k.pem' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $v[0].Message | Should -BeExactly ("ec2keys --json --no-input fingerprint '{0}'" -f [System.IO.Path]::Combine($sub, 'k.pem'))
        } finally {
            Pop-Location
        }
    }
}
