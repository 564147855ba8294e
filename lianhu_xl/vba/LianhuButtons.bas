Attribute VB_Name = "LianhuButtons"
' lianhu_xl: the buttons of the township console workbook.
'
' This module is ASCII only: the VBA project code page is 1252, so a Chinese
' literal would turn into "????". Every text the user reads comes from the
' hidden sheet "lianhu.internal" (key in column A, Chinese text in column B),
' written there by `lianhu xl console`.
'
' Each button first tries xlwings RunPython (Microsoft Excel, Python with
' xlwings found at the path in the xlwings.conf sheet). Python writes
' "done:<run id>" into the state row when it has reached this workbook. When
' that did not happen (WPS, no Python, no xlwings, xlwings could not connect),
' the button saves the workbook and runs the lianhu command line on it
' ("lianhu xl run ACTION --book FILE"), shows its message and opens its result.
Option Explicit

Private Const INTERNAL_SHEET As String = "lianhu.internal"
Private Const CONF_SHEET As String = "xlwings.conf"

Public Sub LianhuTemplate()
    If Not LianhuTryPython("template", "import lianhu_xl.xl; lianhu_xl.xl.make_template()") Then
        LianhuRunCli "template"
    End If
End Sub

Public Sub LianhuValidate()
    If Not LianhuTryPython("validate", "import lianhu_xl.xl; lianhu_xl.xl.validate()") Then
        LianhuRunCli "validate"
    End If
End Sub

Public Sub LianhuConsolidate()
    If Not LianhuTryPython("consolidate", "import lianhu_xl.xl; lianhu_xl.xl.consolidate()") Then
        LianhuRunCli "consolidate"
    End If
End Sub

Public Sub LianhuOpenResult()
    ' Pure VBA, the same in Excel and WPS: open the file the last run wrote.
    Dim target As String
    On Error GoTo Failed
    target = LianhuGetState("state.last_result")
    If target = "" Or Not LianhuPathExists(target) Then
        target = LianhuOutputFolder()
        If target <> "" Then
            If LianhuPathExists(LianhuJoin(target, LianhuText("file.totals"))) Then
                target = LianhuJoin(target, LianhuText("file.totals"))
            End If
        End If
    End If
    If target = "" Or Not LianhuPathExists(target) Then
        MsgBox LianhuText("msg.no_result"), vbInformation, LianhuText("msg.title")
        Exit Sub
    End If
    LianhuOpen target
    Exit Sub
Failed:
    MsgBox LianhuText("msg.open_failed") & " " & target & " (" & Err.Description & ")", vbExclamation, LianhuText("msg.title")
End Sub

Private Function LianhuOutputFolder() As String
    ' The output folder setting (defined name LianhuOutput); a relative one is beside this workbook.
    Dim v As String
    LianhuOutputFolder = ""
    On Error GoTo Missing
    v = Trim(CStr(ThisWorkbook.Names("LianhuOutput").RefersToRange.Value))
    If v = "" Then v = "."
    If Mid(v, 2, 1) = ":" Or Left(v, 2) = "\\" Then
        LianhuOutputFolder = v
    Else
        LianhuOutputFolder = LianhuJoin(ThisWorkbook.Path, v)
    End If
Missing:
End Function

Private Function LianhuTryPython(ByVal action As String, ByVal pyCode As String) As Boolean
    ' True when Python reached this workbook and handled the action (it shows its own message).
    Dim token As String
    LianhuTryPython = False
    If Not LianhuCanRunPython() Then Exit Function
    On Error GoTo Failed
    Randomize
    token = action & "-" & Format(Now, "yyyymmddhhnnss") & "-" & CStr(Int(Rnd() * 1000000))
    LianhuSetState "state.run_id", token
    LianhuSetState "state.run_state", ""
    RunPython pyCode
    LianhuTryPython = (LianhuGetState("state.run_state") = "done:" & token)
    Exit Function
Failed:
    ' Python may still have finished (and shown its message) before the error.
    LianhuTryPython = (token <> "") And (LianhuGetState("state.run_state") = "done:" & token)
End Function

Private Function LianhuCanRunPython() As Boolean
    ' xlwings needs Microsoft Excel and an interpreter with xlwings installed.
    Dim interp As String
    LianhuCanRunPython = False
    On Error GoTo Failed
    If Application.Name <> "Microsoft Excel" Then Exit Function
    interp = LianhuExpand(LianhuConf("INTERPRETER_WIN"))
    If interp = "" Then Exit Function
    If Not LianhuPathExists(interp) Then Exit Function
    If Not LianhuHasXlwings(interp) Then Exit Function
    LianhuCanRunPython = True
    Exit Function
Failed:
    LianhuCanRunPython = False
End Function

Private Function LianhuHasXlwings(ByVal interp As String) As Boolean
    ' A venv keeps packages in ..\Lib\site-packages, an installed Python in .\Lib\site-packages.
    Dim binDir As String
    binDir = LianhuParent(interp)
    LianhuHasXlwings = LianhuPathExists(binDir & "\..\Lib\site-packages\xlwings\__init__.py") _
        Or LianhuPathExists(binDir & "\Lib\site-packages\xlwings\__init__.py")
End Function

Private Sub LianhuRunCli(ByVal action As String)
    Dim sh As Object, resultFile As String, cmdLine As String, rc As Long
    On Error GoTo Failed
    If ThisWorkbook.Path = "" Then
        MsgBox LianhuText("msg.save_first"), vbExclamation, LianhuText("msg.title")
        Exit Sub
    End If
    ThisWorkbook.Save
    Set sh = CreateObject("WScript.Shell")
    Randomize
    resultFile = sh.ExpandEnvironmentStrings("%TEMP%") & "\lianhu-result-" & Format(Now, "yyyymmddhhnnss") _
        & "-" & CStr(Int(Rnd() * 1000000)) & ".txt"
    cmdLine = LianhuCliCommand(action, resultFile)
    rc = sh.Run(cmdLine, 0, True)
    If rc = 9009 Or Not LianhuPathExists(resultFile) Then
        MsgBox LianhuText("msg.no_python") & " (" & CStr(rc) & ")" & vbCrLf & vbCrLf & LianhuManual(action), _
            vbExclamation, LianhuText("msg.title")
        Exit Sub
    End If
    LianhuShowResult resultFile
    Exit Sub
Failed:
    MsgBox LianhuText("msg.cli_failed") & " (" & Err.Description & ")" & vbCrLf & vbCrLf & LianhuManual(action), _
        vbExclamation, LianhuText("msg.title")
End Sub

Private Function LianhuCliCommand(ByVal action As String, ByVal resultFile As String) As String
    ' The interpreter of xlwings.conf, else the one the offline installer makes, else lianhu on PATH.
    Dim py As String, args As String
    args = " xl run " & action & " --book " & Chr(34) & ThisWorkbook.FullName & Chr(34) _
        & " --result-file " & Chr(34) & resultFile & Chr(34)
    py = LianhuExpand(LianhuConf("INTERPRETER_WIN"))
    If py = "" Or Not LianhuPathExists(py) Then
        py = LianhuExpand("%LOCALAPPDATA%\lianhu\venv\Scripts\python.exe")
    End If
    If LianhuPathExists(py) Then
        LianhuCliCommand = Chr(34) & py & Chr(34) & " -m lianhu_xl" & args
    Else
        LianhuCliCommand = "cmd.exe /s /c " & Chr(34) & "lianhu" & args & Chr(34)
    End If
End Function

Private Sub LianhuShowResult(ByVal resultFile As String)
    ' The result file: status (ok / problems / error), the file to open, then the message.
    Dim f As Integer, lineText As String, status As String, target As String, msg As String, n As Long
    f = FreeFile
    Open resultFile For Input As #f
    Do While Not EOF(f)
        Line Input #f, lineText
        n = n + 1
        If n = 1 Then
            status = lineText
        ElseIf n = 2 Then
            target = lineText
        Else
            msg = msg & lineText & vbCrLf
        End If
    Loop
    Close #f
    On Error Resume Next
    Kill resultFile
    On Error GoTo 0
    If target <> "" Then LianhuSetState "state.last_result", target
    If status = "ok" Then
        MsgBox msg, vbInformation, LianhuText("msg.title")
    Else
        MsgBox msg, vbExclamation, LianhuText("msg.title")
    End If
    If target <> "" And status <> "error" Then LianhuOpen target
End Sub

Private Sub LianhuOpen(ByVal target As String)
    Dim lower As String
    lower = LCase(target)
    If Right(lower, 5) = ".xlsx" Or Right(lower, 5) = ".xlsm" Then
        Workbooks.Open target
    Else
        CreateObject("WScript.Shell").Run "explorer.exe " & Chr(34) & target & Chr(34), 1, False
    End If
End Sub

Private Function LianhuManual(ByVal action As String) As String
    ' The offline installer does not put lianhu on PATH: name its lianhu.exe (cmd expands the variable).
    LianhuManual = LianhuText("msg.manual") & vbCrLf & Chr(34) & "%LOCALAPPDATA%\lianhu\venv\Scripts\lianhu.exe" _
        & Chr(34) & " xl run " & action & " --book " & Chr(34) & ThisWorkbook.FullName & Chr(34)
End Function

Private Function LianhuConf(ByVal key As String) As String
    ' Column A key, column B value, from A1 down to the first blank, as xlwings reads it.
    Dim ws As Object, r As Long
    LianhuConf = ""
    On Error GoTo Missing
    Set ws = ThisWorkbook.Worksheets(CONF_SHEET)
    For r = 1 To 100
        If CStr(ws.Cells(r, 1).Value) = "" Then Exit For
        If UCase(CStr(ws.Cells(r, 1).Value)) = UCase(key) Then
            LianhuConf = CStr(ws.Cells(r, 2).Value)
            Exit Function
        End If
    Next r
Missing:
End Function

Private Function LianhuRow(ByVal key As String, ByVal create As Boolean) As Long
    ' The row of key in column A of the internal sheet (0 when absent and not created).
    Dim ws As Object, r As Long
    Set ws = ThisWorkbook.Worksheets(INTERNAL_SHEET)
    For r = 1 To 500
        If CStr(ws.Cells(r, 1).Value) = key Then
            LianhuRow = r
            Exit Function
        End If
        If CStr(ws.Cells(r, 1).Value) = "" Then
            If create Then
                ws.Cells(r, 1).Value = key
                LianhuRow = r
            Else
                LianhuRow = 0
            End If
            Exit Function
        End If
    Next r
    LianhuRow = 0
End Function

Private Function LianhuText(ByVal key As String) As String
    Dim r As Long
    On Error GoTo Missing
    r = LianhuRow(key, False)
    If r > 0 Then
        LianhuText = CStr(ThisWorkbook.Worksheets(INTERNAL_SHEET).Cells(r, 2).Value)
        Exit Function
    End If
Missing:
    LianhuText = key
End Function

Private Function LianhuGetState(ByVal key As String) As String
    Dim r As Long
    LianhuGetState = ""
    On Error GoTo Missing
    r = LianhuRow(key, False)
    If r > 0 Then LianhuGetState = CStr(ThisWorkbook.Worksheets(INTERNAL_SHEET).Cells(r, 2).Value)
Missing:
End Function

Private Sub LianhuSetState(ByVal key As String, ByVal value As String)
    Dim r As Long
    r = LianhuRow(key, True)
    If r > 0 Then ThisWorkbook.Worksheets(INTERNAL_SHEET).Cells(r, 2).Value = "'" & value
End Sub

Private Function LianhuExpand(ByVal s As String) As String
    If s = "" Then
        LianhuExpand = ""
    Else
        LianhuExpand = CreateObject("WScript.Shell").ExpandEnvironmentStrings(s)
    End If
End Function

Private Function LianhuPathExists(ByVal p As String) As Boolean
    Dim fso As Object
    LianhuPathExists = False
    If p = "" Then Exit Function
    On Error GoTo Failed
    Set fso = CreateObject("Scripting.FileSystemObject")
    LianhuPathExists = fso.FileExists(p) Or fso.FolderExists(p)
Failed:
End Function

Private Function LianhuParent(ByVal p As String) As String
    Dim i As Long
    i = InStrRev(p, "\")
    If i > 0 Then
        LianhuParent = Left(p, i - 1)
    Else
        LianhuParent = ""
    End If
End Function

Private Function LianhuJoin(ByVal folder As String, ByVal leaf As String) As String
    If Right(folder, 1) = "\" Then
        LianhuJoin = folder & leaf
    Else
        LianhuJoin = folder & "\" & leaf
    End If
End Function
