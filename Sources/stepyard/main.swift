import Foundation
import StepyardCLI

let arguments = Array(CommandLine.arguments.dropFirst())
StepyardMain.prepareProcess(arguments)
let result = await StepyardMain.run(arguments)
FileHandle.standardOutput.write(Data(result.stdout.utf8))
FileHandle.standardError.write(Data(result.stderr.utf8))
exit(result.exitCode)
