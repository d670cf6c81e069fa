# A stand-in for Pester 5, for the PowerShell-engine fallback ONLY (scripts/test-pwsh.sh uses it when
# real pwsh + Pester cannot be installed; scripts/setup-pwsh.sh records why). It runs the module's
# unchanged *.Tests.ps1 files in the real PowerShell engine (System.Management.Automation) with the
# subset of Pester 5 they use: Describe/Context/It (-Tag, -Skip, -ForEach/-TestCases, <name>
# templates), BeforeDiscovery/BeforeAll/AfterAll/BeforeEach/AfterEach, Mock -ModuleName
# (-ParameterFilter), Should (-Be, -BeExactly, -Not, -BeTrue, -BeFalse, -BeNullOrEmpty, -Match,
# -BeLike, -Contain, -BeOfType, -HaveCount, -BeGreaterThan, -BeGreaterOrEqual, -Throw [-ErrorId
# -ExpectedMessage -ExceptionType], -Invoke [-Times -Exactly -ParameterFilter]), InModuleScope and
# $TestDrive. Pester 5's two phases are kept: files run once to discover blocks, then blocks run.
# It is not Pester: when real Pester is present, test-pwsh.sh uses Pester and never loads this.

param(
    [Parameter(Mandatory = $true)] [string[]] $Path,
    [string[]] $ExcludeTag = @(),
    [string[]] $Tag = @()
)

$ErrorActionPreference = 'Continue'
. ([System.IO.Path]::Combine($PSScriptRoot, 'Shims.ps1'))
$global:__PS_State = @{
    Root        = $null
    Current     = $null
    Passed      = 0
    Failed      = 0
    Skipped     = 0
    Failures    = [System.Collections.Generic.List[string]]::new()
    Mocks       = @{}      # key -> list of @{ MockWith; Filter; Owner }
    Originals   = @{}      # key -> @{ Module; Name; ScriptBlock; Params }
    Calls       = [System.Collections.Generic.List[object]]::new()
    CurrentTest = $null
    Owner       = $null
    ExcludeTag  = $ExcludeTag
    Tag         = $Tag
}

function script:New-PSNode([string] $Kind, [string] $Name, [string[]] $Tags, $Parent, $Data) {
    [pscustomobject]@{
        Kind = $Kind; Name = $Name; Tags = @($Tags | Where-Object { $_ }); Parent = $Parent; Data = $Data
        Children = [System.Collections.Generic.List[object]]::new()
        BeforeAll = [System.Collections.Generic.List[scriptblock]]::new(); AfterAll = [System.Collections.Generic.List[scriptblock]]::new()
        BeforeEach = [System.Collections.Generic.List[scriptblock]]::new(); AfterEach = [System.Collections.Generic.List[scriptblock]]::new()
        Body = $null; Skip = $false; File = $null
    }
}

function script:Expand-PSName([string] $Name, $Data) {
    if ($Data -is [System.Collections.IDictionary]) {
        foreach ($k in @($Data.Keys)) { $Name = $Name.Replace("<$k>", [string]$Data[$k]) }
    }
    $Name
}

function script:Get-PSAllTags($node) {
    $t = @()
    while ($null -ne $node) { $t += $node.Tags; $node = $node.Parent }
    $t
}

function script:Set-PSData($Data) {
    # Data of -ForEach: each key becomes a variable, and $_ is the item (Pester 5).
    if ($Data -is [System.Collections.IDictionary]) {
        foreach ($k in @($Data.Keys)) { $ExecutionContext.SessionState.PSVariable.Set([string]$k, $Data[$k]) }
    }
    if ($null -ne $Data) { $ExecutionContext.SessionState.PSVariable.Set('_', $Data) }
}

function global:Describe {
    param([Parameter(Mandatory = $true, Position = 0)] [string] $Name, [Parameter(Position = 1)] [scriptblock] $Fixture,
        [string[]] $Tag, [object[]] $ForEach)
    # (`,$null`: a one-item list whose item is $null, so the loop below runs once)
    if ($PSBoundParameters.ContainsKey('ForEach')) { $items = @($ForEach) } else { $items = , $null }
    foreach ($item in $items) {
        $node = New-PSNode 'Block' (Expand-PSName $Name $item) $Tag $global:__PS_State.Current $item
        $global:__PS_State.Current.Children.Add($node)
        $global:__PS_State.Current = $node
        try {
            & { param($__d, $__f) . Set-PSData $__d; . $__f } $item $Fixture
        } finally {
            $global:__PS_State.Current = $node.Parent
        }
    }
}
function global:Context {
    param([Parameter(Mandatory = $true, Position = 0)] [string] $Name, [Parameter(Position = 1)] [scriptblock] $Fixture,
        [string[]] $Tag, [object[]] $ForEach)
    Describe @PSBoundParameters
}

function global:It {
    param([Parameter(Mandatory = $true, Position = 0)] [string] $Name, [Parameter(Position = 1)] [scriptblock] $Test,
        [string[]] $Tag, [object[]] $ForEach, [object[]] $TestCases, [switch] $Skip)
    if ($PSBoundParameters.ContainsKey('ForEach')) { $data = @($ForEach) } elseif ($PSBoundParameters.ContainsKey('TestCases')) { $data = @($TestCases) } else { $data = , $null }
    foreach ($item in $data) {
        $node = New-PSNode 'Test' (Expand-PSName $Name $item) $Tag $global:__PS_State.Current $item
        $node.Body = $Test
        $node.Skip = [bool]$Skip
        $global:__PS_State.Current.Children.Add($node)
    }
}

function global:BeforeDiscovery { param([Parameter(Position = 0)] [scriptblock] $ScriptBlock) . $ScriptBlock }
function global:BeforeAll { param([Parameter(Position = 0)] [scriptblock] $ScriptBlock) $global:__PS_State.Current.BeforeAll.Add($ScriptBlock) }
function global:AfterAll { param([Parameter(Position = 0)] [scriptblock] $ScriptBlock) $global:__PS_State.Current.AfterAll.Add($ScriptBlock) }
function global:BeforeEach { param([Parameter(Position = 0)] [scriptblock] $ScriptBlock) $global:__PS_State.Current.BeforeEach.Add($ScriptBlock) }
function global:AfterEach { param([Parameter(Position = 0)] [scriptblock] $ScriptBlock) $global:__PS_State.Current.AfterEach.Add($ScriptBlock) }

function global:InModuleScope {
    param([Parameter(Mandatory = $true, Position = 0)] [string] $ModuleName, [Parameter(Mandatory = $true, Position = 1)] [scriptblock] $ScriptBlock,
        [hashtable] $Parameters = @{})
    $m = @(Get-Module -Name $ModuleName)[0]
    if (-not $m) { throw "InModuleScope: module $ModuleName is not loaded" }
    & $m $ScriptBlock @Parameters
}

# ---- Mock ------------------------------------------------------------------------------------

$global:__PS_InvokeMock = {
    param([string] $__key, [System.Collections.IDictionary] $__bound)
    $st = $global:__PS_State
    $orig = $st.Originals[$__key]
    $bound = @{}
    foreach ($p in $orig.Params) { $bound[$p] = $null }
    foreach ($k in $__bound.Keys) { $bound[$k] = $__bound[$k] }
    $st.Calls.Add([pscustomobject]@{ Key = $__key; Bound = $bound; Test = $st.CurrentTest })
    $mocks = $st.Mocks[$__key]
    for ($i = $mocks.Count - 1; $i -ge 0; $i--) {
        $mk = $mocks[$i]
        $ok = $true
        if ($mk.Filter) { $ok = [bool](& { param($__b, $__f) foreach ($k in $__b.Keys) { $ExecutionContext.SessionState.PSVariable.Set($k, $__b[$k]) }; . $__f } $bound $mk.Filter) }
        if ($ok) {
            return (& { param($__b, $__m) foreach ($k in $__b.Keys) { $ExecutionContext.SessionState.PSVariable.Set($k, $__b[$k]) }; . $__m } $bound $mk.MockWith)
        }
    }
    $b2 = @{}
    foreach ($k in $__bound.Keys) { $b2[$k] = $__bound[$k] }
    & $orig.ScriptBlock @b2
}

function global:Mock {
    param([Parameter(Mandatory = $true, Position = 0)] [string] $CommandName, [Parameter(Position = 1)] [scriptblock] $MockWith = {},
        [string] $ModuleName, [scriptblock] $ParameterFilter)
    $st = $global:__PS_State
    $m = @(Get-Module -Name $ModuleName)[0]
    if (-not $m) { throw "Mock: module $ModuleName is not loaded" }
    $key = "$ModuleName\$CommandName"
    $current = & $m { param($n) $ExecutionContext.InvokeCommand.GetCommand($n, 'Function') } $CommandName
    if (-not $st.Originals.ContainsKey($key) -or -not [object]::ReferenceEquals($st.Originals[$key].Module, $m)) {
        if (-not $current) { throw "Mock: $CommandName is not a function of $ModuleName" }
        $meta = [System.Management.Automation.CommandMetadata]::new($current)
        $binding = [System.Management.Automation.ProxyCommand]::GetCmdletBindingAttribute($meta)
        $params = [System.Management.Automation.ProxyCommand]::GetParamBlock($meta)
        $mockSb = [scriptblock]::Create("$binding`nparam($params)`n& `$global:__PS_InvokeMock '$key' `$PSBoundParameters")
        $st.Originals[$key] = @{ Module = $m; Name = $CommandName; ScriptBlock = $current.ScriptBlock; Params = @($meta.Parameters.Keys) }
        $st.Mocks[$key] = [System.Collections.Generic.List[object]]::new()
        . $m ([scriptblock]::Create("`${function:$CommandName} = `$args[0]")) $mockSb
    }
    $st.Mocks[$key].Add(@{ MockWith = $MockWith; Filter = $ParameterFilter; Owner = $st.Owner })
}

function script:Remove-PSMocks($owner) {
    $st = $global:__PS_State
    foreach ($key in @($st.Mocks.Keys)) {
        $list = $st.Mocks[$key]
        for ($i = $list.Count - 1; $i -ge 0; $i--) { if ([object]::ReferenceEquals($list[$i].Owner, $owner)) { $list.RemoveAt($i) } }
        if ($list.Count -eq 0) {
            $o = $st.Originals[$key]
            . $o.Module ([scriptblock]::Create("`${function:$($o.Name)} = `$args[0]")) $o.ScriptBlock
            $st.Mocks.Remove($key)
            $st.Originals.Remove($key)
        }
    }
}

# ---- Should ----------------------------------------------------------------------------------

function script:Format-PSValue($v) {
    if ($null -eq $v) { return '$null' }
    if ($v -is [string]) { return "'$v'" }
    if ($v -is [System.Collections.IEnumerable]) { return '@(' + ((@($v) | ForEach-Object { Format-PSValue $_ }) -join ', ') + ')' }
    "$v"
}

function script:Test-PSEqual($a, $e, [bool] $exact) {
    $ac = $a -is [System.Collections.IEnumerable] -and $a -isnot [string]
    $ec = $e -is [System.Collections.IEnumerable] -and $e -isnot [string]
    if ($ac -or $ec) {
        $aa = @($a); $ee = @($e)
        if ($aa.Count -ne $ee.Count) { return $false }
        for ($i = 0; $i -lt $aa.Count; $i++) { if (-not (Test-PSEqual $aa[$i] $ee[$i] $exact)) { return $false } }
        return $true
    }
    if ($null -eq $a -or $null -eq $e) { return ($null -eq $a -and $null -eq $e) }
    if ($exact) { return [bool]($a -ceq $e) }
    [bool]($a -eq $e)
}

function global:Should {
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline = $true)] $ActualValue,
        [Parameter(Position = 0)] $ExpectedValue,
        [switch] $Not, [switch] $Be, [switch] $BeExactly, [switch] $BeTrue, [switch] $BeFalse, [switch] $BeNullOrEmpty,
        [switch] $Match, [switch] $BeLike, [switch] $Contain, [switch] $BeOfType, [switch] $HaveCount,
        [switch] $BeGreaterThan, [switch] $BeGreaterOrEqual, [switch] $Throw, [switch] $Invoke, [switch] $Exactly,
        [string] $ErrorId, [string] $ExpectedMessage, [type] $ExceptionType, [string] $Because,
        [string] $ModuleName, [int] $Times = 1, [scriptblock] $ParameterFilter, [string] $CommandName
    )
    begin { $items = [System.Collections.Generic.List[object]]::new(); $piped = $false }
    process { if ($PSCmdlet.MyInvocation.ExpectingInput) { $piped = $true; $items.Add($ActualValue) } }
    end {
        $actual = if ($piped) { if ($items.Count -eq 1) { $items[0] } elseif ($items.Count -eq 0) { $null } else { $items.ToArray() } } else { $ActualValue }
        $why = if ($Because) { " because $Because" } else { '' }
        $ok = $true
        $msg = ''
        if ($Invoke) {
            $name = if ($CommandName) { $CommandName } else { [string]$ExpectedValue }
            $key = "$ModuleName\$name"
            $calls = @($global:__PS_State.Calls | Where-Object { $_.Key -eq $key -and [object]::ReferenceEquals($_.Test, $global:__PS_State.CurrentTest) })
            if ($ParameterFilter) {
                $calls = @($calls | Where-Object { [bool](& { param($__b, $__f) foreach ($k in $__b.Keys) { $ExecutionContext.SessionState.PSVariable.Set($k, $__b[$k]) }; . $__f } $_.Bound $ParameterFilter) })
            }
            $ok = if ($Exactly) { $calls.Count -eq $Times } else { $calls.Count -ge $Times }
            $msg = "Expected $name to be called $(if ($Exactly) { 'exactly' } else { 'at least' }) $Times times, but it was called $($calls.Count) times"
        } elseif ($Throw) {
            $err = $null
            try { $null = & $actual } catch { $err = $_ }
            $ok = $null -ne $err
            $msg = 'Expected an exception to be thrown, but none was'
            if ($ok -and $ErrorId -and -not ($err.FullyQualifiedErrorId -like "*$ErrorId*")) { $ok = $false; $msg = "Expected error id like '*$ErrorId*', got '$($err.FullyQualifiedErrorId)'" }
            if ($ok -and $ExpectedMessage -and -not ($err.Exception.Message -like $ExpectedMessage)) { $ok = $false; $msg = "Expected message like '$ExpectedMessage', got '$($err.Exception.Message)'" }
            if ($ok -and $ExceptionType -and -not ($err.Exception -is $ExceptionType)) { $ok = $false; $msg = "Expected exception $ExceptionType, got $($err.Exception.GetType())" }
        } elseif ($Be -or $BeExactly) {
            $ok = Test-PSEqual $actual $ExpectedValue ([bool]$BeExactly)
            $msg = "Expected $(Format-PSValue $ExpectedValue), but got $(Format-PSValue $actual)"
        } elseif ($BeTrue) { $ok = [bool]$actual -eq $true; $msg = "Expected `$true, but got $(Format-PSValue $actual)" }
        elseif ($BeFalse) { $ok = [bool]$actual -eq $false; $msg = "Expected `$false, but got $(Format-PSValue $actual)" }
        elseif ($BeNullOrEmpty) {
            $ok = $null -eq $actual -or ($actual -is [string] -and $actual -eq '') -or (($actual -is [System.Collections.ICollection]) -and @($actual).Count -eq 0)
            $msg = "Expected `$null or empty, but got $(Format-PSValue $actual)"
        } elseif ($Match) { $ok = [bool]([string]$actual -match [string]$ExpectedValue); $msg = "Expected $(Format-PSValue $actual) to match '$ExpectedValue'" }
        elseif ($BeLike) { $ok = [bool]([string]$actual -like [string]$ExpectedValue); $msg = "Expected $(Format-PSValue $actual) to be like '$ExpectedValue'" }
        elseif ($Contain) { $ok = [bool](@($actual) -contains $ExpectedValue); $msg = "Expected $(Format-PSValue $ExpectedValue) to be in $(Format-PSValue $actual)" }
        elseif ($BeOfType) {
            # In argument mode `[bool]` arrives as the string '[bool]'; Pester accepts both.
            $t = if ($ExpectedValue -is [type]) { $ExpectedValue } else { [type](([string]$ExpectedValue).Trim('[', ']')) }
            $ok = $actual -is $t; $msg = "Expected a $t, but got $(if ($null -eq $actual) { '$null' } else { $actual.GetType() })"
        } elseif ($HaveCount) { $n = @($actual).Count; $ok = $n -eq $ExpectedValue; $msg = "Expected $ExpectedValue items, but got $n" }
        elseif ($BeGreaterThan) { $ok = $actual -gt $ExpectedValue; $msg = "Expected more than $ExpectedValue, but got $(Format-PSValue $actual)" }
        elseif ($BeGreaterOrEqual) { $ok = $actual -ge $ExpectedValue; $msg = "Expected at least $ExpectedValue, but got $(Format-PSValue $actual)" }
        else { throw 'Should: no assertion operator given (this subset runner lacks it?)' }
        if ($Not) { $ok = -not $ok; $msg = "NOT: $msg" }
        if (-not $ok) { throw [System.Exception]::new("$msg$why") }
    }
}

# ---- Run -------------------------------------------------------------------------------------

function script:Test-PSSelected($node) {
    $tags = @(Get-PSAllTags $node)
    foreach ($t in $global:__PS_State.ExcludeTag) { if ($tags -contains $t) { return $false } }
    if ($global:__PS_State.Tag.Count) {
        foreach ($t in $global:__PS_State.Tag) { if ($tags -contains $t) { return $true } }
        return $false
    }
    $true
}

function script:Get-PSTests($node) {
    foreach ($c in $node.Children) { if ($c.Kind -eq 'Test') { $c } else { Get-PSTests $c } }
}

function script:Get-PSPath($node) {
    $names = @()
    while ($null -ne $node -and $null -ne $node.Parent) { $names = , $node.Name + $names; $node = $node.Parent }
    $names -join ' > '
}

function script:Write-PSResult([string] $Status, $Test, [string] $Message) {
    $st = $global:__PS_State
    switch ($Status) {
        'Passed' { $st.Passed++; [Console]::WriteLine("  [+] $(Get-PSPath $Test)") }
        'Skipped' { $st.Skipped++; [Console]::WriteLine("  [!] $(Get-PSPath $Test) (skipped)") }
        'Failed' {
            $st.Failed++
            [Console]::WriteLine("  [-] $(Get-PSPath $Test)")
            [Console]::WriteLine("      $Message")
            $st.Failures.Add("$(Get-PSPath $Test): $Message")
        }
    }
}

function script:Invoke-PSTest($test) {
    $st = $global:__PS_State
    if ($test.Skip) { Write-PSResult 'Skipped' $test; return }
    $chain = @()
    $n = $test.Parent
    while ($null -ne $n) { $chain = , $n + $chain; $n = $n.Parent }
    $st.CurrentTest = $test
    $st.Owner = $test
    $failure = $null
    & {
        param($__t, $__chain)
        . Set-PSData $__t.Data
        try {
            foreach ($__b in $__chain) { foreach ($__sb in $__b.BeforeEach) { . $__sb } }
            . $__t.Body
        } catch {
            $failure = "$($_.Exception.Message) ($($_.InvocationInfo.ScriptName):$($_.InvocationInfo.ScriptLineNumber))"
        } finally {
            [array]::Reverse($__chain)
            foreach ($__b in $__chain) { foreach ($__sb in $__b.AfterEach) { try { . $__sb } catch { if (-not $failure) { $failure = "AfterEach: $($_.Exception.Message)" } } } }
        }
        if ($failure) { Write-PSResult 'Failed' $__t $failure } else { Write-PSResult 'Passed' $__t }
    } $test $chain
    Remove-PSMocks $test
    $st.Owner = $test.Parent
    $st.CurrentTest = $null
}

function script:Invoke-PSBlock($block) {
    $st = $global:__PS_State
    $selected = @(Get-PSTests $block | Where-Object { Test-PSSelected $_ })
    if ($selected.Count -eq 0) { return }
    $st.Owner = $block
    & {
        param($__blk, $__sel)
        . Set-PSData $__blk.Data
        if ($__blk.Parent -and -not $__blk.Parent.Parent) {
            $TestDrive = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'PesterSubset', [guid]::NewGuid().ToString('N'))
            $null = [System.IO.Directory]::CreateDirectory($TestDrive)
        }
        $setupError = $null
        try {
            foreach ($__sb in $__blk.BeforeAll) { . $__sb }
        } catch {
            $setupError = "BeforeAll failed: $($_.Exception.Message) ($($_.InvocationInfo.ScriptName):$($_.InvocationInfo.ScriptLineNumber))"
        }
        foreach ($__c in $__blk.Children) {
            if ($__c.Kind -eq 'Test') {
                if ($__sel -notcontains $__c) { continue }
                if ($setupError) { Write-PSResult 'Failed' $__c $setupError } else { Invoke-PSTest $__c }
            } elseif ($setupError) {
                foreach ($t in @(Get-PSTests $__c | Where-Object { $__sel -contains $_ })) { Write-PSResult 'Failed' $t $setupError }
            } else {
                Invoke-PSBlock $__c
                $global:__PS_State.Owner = $__blk
            }
        }
        foreach ($__sb in $__blk.AfterAll) { try { . $__sb } catch { [Console]::WriteLine("  AfterAll of $($__blk.Name) failed: $($_.Exception.Message)") } }
        if ($__blk.Parent -and -not $__blk.Parent.Parent -and [System.IO.Directory]::Exists($TestDrive)) {
            try { [System.IO.Directory]::Delete($TestDrive, $true) } catch { $null = $_ }
        }
    } $block $selected
    Remove-PSMocks $block
}

foreach ($file in $Path) {
    $full = [System.IO.Path]::GetFullPath($file)
    [Console]::WriteLine("Running $full")
    $root = New-PSNode 'Block' ([System.IO.Path]::GetFileName($full)) @() $null $null
    $global:__PS_State.Root = $root
    $global:__PS_State.Current = $root
    try {
        . $full
    } catch {
        $global:__PS_State.Failed++
        $global:__PS_State.Failures.Add("$full discovery: $($_.Exception.Message)")
        [Console]::WriteLine("  [-] discovery failed: $($_.Exception.Message) ($($_.InvocationInfo.ScriptName):$($_.InvocationInfo.ScriptLineNumber))")
        continue
    }
    # The file's root block (top-level BeforeAll/AfterAll) has no TestDrive of its own, as in Pester.
    Invoke-PSBlock $root
}

$st = $global:__PS_State
[Console]::WriteLine('')
if ($st.Failures.Count) {
    [Console]::WriteLine('Failures:')
    foreach ($f in $st.Failures) { [Console]::WriteLine("  $f") }
}
[Console]::WriteLine(('PSEngine: {0} passed, {1} failed, {2} skipped' -f $st.Passed, $st.Failed, $st.Skipped))
exit ([int]($st.Failed -gt 0))
