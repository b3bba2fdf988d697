// Every diagnostic rnnlab can emit has a stable code, printed after the message
// (`file:3:5: error: no task named 'x' [E0202]`) and explained by `rnn explain CODE`.
// The table is the single list: tests/scripts/run_codes.sh fails when a code here has no
// golden script under tests/ that triggers it.
//
// Ranges: E00xx input and syntax, E01xx include, E02xx names and definitions, E03xx the
// script's seed and output, E04xx values against schemas, E05xx networks and tensors,
// E06xx training and loss, E07xx analyses and figures, E08xx sweeps, E09xx overrides,
// E10xx declared tasks (paradigm E1001-E1019, arrays E1020-E1039); Wxxxx warnings.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace rnn::interp {

// X(Enumerator, "ID", "what it means, one line")
#define RNN_DIAGNOSTIC_CODES(X)                                                                    \
    X(CannotRead, "E0001", "the script file cannot be read (missing, a directory, no permission)") \
    X(NotUtf8, "E0002", "the file is not valid UTF-8 text")                                        \
    X(NulByte, "E0003", "the file contains a NUL byte, so it is binary data, not a script")        \
    X(NestingTooDeep, "E0004", "brackets, operators or expressions nested or chained too deeply")  \
    X(ExpectedStatement, "E0010", "a statement was expected: task, network, train, ...")           \
    X(ExpectedNumber, "E0011", "a number was expected")                                            \
    X(ExpectedString, "E0012", "a string in double quotes was expected")                           \
    X(UnclosedString, "E0013", "a string is not closed on its line")                               \
    X(ExpectedDefinitionName, "E0014", "a definition needs a name after its keyword")              \
    X(ExpectedAssign, "E0015", "'=' was expected after the defined name")                          \
    X(ExpectedName, "E0016", "a name was expected")                                                \
    X(ExpectedOn, "E0017", "train and evaluate need 'on' and a task")                              \
    X(ExpectedTo, "E0018", "plot needs 'to' and a file name")                                      \
    X(ExpectedIn, "E0019", "a sweep needs 'in' after its variable")                                \
    X(ExpectedIterable, "E0020", "a sweep needs a range (1..20) or a list ([1, 2])")               \
    X(ExpectedRangeBound, "E0021", "a range bound must be a number or a name")                     \
    X(ExpectedLoopVariable, "E0022", "a sweep needs a variable name after 'for' or ','")           \
    X(ExpectedSweepBody, "E0023", "a sweep needs a '{ ... }' body")                                \
    X(ExpectedExpression, "E0024", "a value or expression was expected")                           \
    X(ExpectedOperand, "E0025", "an operator needs a value after it")                              \
    X(ExpectedRangeEnd, "E0026", "'..' needs the end of the range after it")                       \
    X(ExpectedCondition, "E0027", "a condition was expected after 'and' or 'not'")                 \
    X(ExpectedConditionAfterOr, "E0028", "a condition was expected after 'or'")                    \
    X(ExpectedSpread, "E0029", "'+-' needs the spread after it")                                   \
    X(ExpectedCloseParen, "E0030", "a '(' is not closed")                                          \
    X(ExpectedCloseBracket, "E0031", "a '[' is not closed")                                        \
    X(ExpectedCloseBrace, "E0032", "a '{' block is not closed")                                    \
    X(ExpectedField, "E0033", "a block holds fields: 'name = value' or 'name : modifiers'")        \
    X(ExpectedFieldOperator, "E0034", "a field name needs '=' or ':' after it")                    \
    X(ExpectedModifier, "E0035", "':' needs modifiers such as fixed or init normal(0.1)")          \
    X(IncludeMissing, "E0101", "an included file cannot be read")                                  \
    X(IncludeCycle, "E0102", "files include each other in a cycle")                                \
    X(IncludeAbsolute, "E0103", "include paths must be relative to the including file")            \
    X(IncludeTooDeep, "E0104", "includes are nested too deep")                                     \
    X(TopLevelOnly, "E0105", "include, seed and output belong at the top level of a file")         \
    X(DefinedTwice, "E0201", "a name is defined twice")                                            \
    X(UnknownName, "E0202", "a referenced name is not defined")                                    \
    X(WrongKind, "E0203", "a name refers to the wrong kind of definition")                         \
    X(ExpectedDefinition, "E0204", "the name of a definition was expected here")                   \
    X(UnknownTask, "E0205", "no stdlib task or defined task has this name")                        \
    X(UnknownNetworkKind, "E0206", "no network kind or defined network has this name")             \
    X(DependencyCycle, "E0207", "definitions depend on each other in a cycle")                     \
    X(NotImplemented, "E0208", "the feature is part of the language but not of this version")      \
    X(IndexOutsideSweep, "E0209", "an indexed name (fit[s]) is defined outside a sweep")           \
    X(SeedTwice, "E0301", "the script seed is set twice")                                          \
    X(BadSeed, "E0302", "a seed must be a whole number from 0 to 9e15")                            \
    X(OutputTwice, "E0303", "the output directory is set twice")                                   \
    X(UnsafePath, "E0304",                                                                         \
      "a path would leave the run directory, or is not a plain relative path")                     \
    X(OutOfRange, "E0401", "a value is outside the range its parameter allows")                    \
    X(UnitNotAllowed, "E0402", "a unit is given for a plain number")                               \
    X(WrongType, "E0403", "a value has the wrong type for its parameter")                          \
    X(NotWhole, "E0404", "a whole number was expected")                                            \
    X(DurationNeedsUnit, "E0405", "a duration needs a unit: steps, ms or s")                       \
    X(DurationNeedsDt, "E0406", "a duration in ms or s needs a dt to convert it to steps")         \
    X(NotATimeUnit, "E0407", "the unit is not a unit of time")                                     \
    X(NotWholeSteps, "E0408", "a duration is not a whole number of steps")                         \
    X(NotAChoice, "E0409", "the value is not one of the parameter's choices")                      \
    X(BadDraw, "E0410", "a per-trial draw must be uniform(low, high) of two numbers")              \
    X(EmptyInterval, "E0411", "an interval has low >= high")                                       \
    X(GivenTwice, "E0412", "a field is given twice in one block")                                  \
    X(UnknownParameter, "E0413", "the block has no parameter or field of this name")               \
    X(MissingParameter, "E0414", "a required parameter is not given")                              \
    X(DataFile, "E0415", "a data file named by a parameter is not a readable regular file")        \
    X(UnknownTensor, "E0501", "the network has no tensor of this name")                            \
    X(BadInitializer, "E0502", "an initialiser such as normal(0.1) was expected")                  \
    X(InitializerArguments, "E0503", "an initialiser has the wrong number or kind of arguments")   \
    X(NegativeDeviation, "E0504", "a standard deviation is negative")                              \
    X(ModifierTakesNoArgument, "E0505", "the modifier takes no argument")                          \
    X(ModifierNeedsArgument, "E0506", "the modifier needs an argument")                            \
    X(UnknownModifier, "E0507", "no modifier has this name")                                       \
    X(NotSquare, "E0508", "a constraint needs a square matrix")                                    \
    X(DaleRatio, "E0509", "the Dale ratio does not give a whole number of excitatory units")       \
    X(ConflictingConstraints, "E0510", "two constraints on one tensor cannot hold together")       \
    X(ArrayFile, "E0511", "an array file given with load(\"...\") cannot be read")                 \
    X(ArrayShape, "E0512", "a loaded array's shape or values do not fit the tensor")               \
    X(BadModifier, "E0513", "the modifier does not apply to this tensor")                          \
    X(LesionUnit, "E0514", "a lesioned unit is not a unit of the network")                         \
    X(AlterChange, "E0515", "an alter change is not 'scale X' or 'set [row, column, value]'")      \
    X(ProbeForm, "E0516", "a clamp or perturbation of an evaluation is not of its form")           \
    X(LossDivision, "E0601", "a loss can only be divided by a constant number")                    \
    X(DivisionByZero, "E0602", "a division by zero")                                               \
    X(UnreducedSignal, "E0603", "a signal must be reduced over a period to enter a loss")          \
    X(NotALossTerm, "E0604", "the expression is not a loss term")                                  \
    X(ExpectedTensor, "E0605", "a tensor of the trained network was expected")                     \
    X(CallForm, "E0606", "a loss function is called with the wrong arguments")                     \
    X(UnknownSignal, "E0607", "the task has no signal of this name")                               \
    X(UnknownPeriod, "E0608", "the task has no period of this name")                               \
    X(FixedPointTensor, "E0609", "fixed_point needs the effective recurrent matrix")               \
    X(FixedPointPatterns, "E0610", "fixed_point needs patterns of the task")                       \
    X(UnknownLossFunction, "E0611", "no loss function has this name")                              \
    X(StopEpochs, "E0612", "'for N epochs' needs a whole number of epochs")                        \
    X(StopMetric, "E0613", "a stop condition compares a metric of the task")                       \
    X(StopThreshold, "E0614", "a stop condition compares with a number")                           \
    X(StopCondition, "E0615", "stop_when is comparisons joined with 'and'")                        \
    X(ModifiersOutsideNetwork, "E0616", "tensor modifiers belong in a network block")              \
    X(UnknownUpdater, "E0617", "no updater has this name")                                         \
    X(UnknownSchedule, "E0618", "the task has no schedule of this name")                           \
    X(MissingLoss, "E0619", "a training needs a loss")                                             \
    X(UnknownOptimizer, "E0620", "an optimizer such as adam { lr = 0.001 } was expected")          \
    X(UnitsMismatch, "E0621", "the network's size does not match the task")                        \
    X(InputsMismatch, "E0622", "the network's input size does not match the task")                 \
    X(EvaluateTaskKind, "E0623", "a training is evaluated on a task of another kind")              \
    X(OutputsMismatch, "E0624", "the network's readout does not match the task's targets")         \
    X(UnknownMask, "E0625", "the task has no mask of this name")                                   \
    X(CurriculumNeedsValidation, "E0626",                                                          \
      "a curriculum advances on validations: set validate_every")                                  \
    X(UpdaterOption, "E0627", "the updater's options are wrong")                                   \
    X(UpdaterNetwork, "E0628", "the updater cannot train this network this way")                   \
    X(OnlineLoss, "E0629", "a per-step learner needs one per-step output loss")                    \
    X(MemoryExceeded, "E0630", "a training or evaluation needs more memory than allowed")          \
    X(UnknownSaveWord, "E0631", "an evaluation's save names no array it can write")                \
    X(SaveNotAvailable, "E0632", "an evaluation saves an array its network or task does not have") \
    X(ExpectedReferenceArgument, "E0701", "an argument must be a reference such as fit.W_self")    \
    X(UnknownMatrix, "E0702", "the task has no matrix of this name")                               \
    X(NotAnArgument, "E0703", "the reference cannot be an argument")                               \
    X(ArgumentKind, "E0704", "an argument is of the wrong kind (matrix, training, evaluation)")    \
    X(UnknownOption, "E0705", "the analysis or figure has no option of this name")                 \
    X(TooManyArguments, "E0706", "too many positional arguments")                                  \
    X(MissingArgument, "E0707", "a required argument is missing")                                  \
    X(ExpectedAnalysisCall, "E0708", "analyze needs a call of an analysis")                        \
    X(UnknownAnalysis, "E0709", "no analysis has this name")                                       \
    X(ExpectedFigureCall, "E0710", "plot needs a call of a figure")                                \
    X(UnknownFigure, "E0711", "no figure has this name")                                           \
    X(FigureNotPng, "E0712", "figure files must end in .png, .svg or .pdf")                        \
    X(FigureFileTwice, "E0713", "two figures are written to one file")                             \
    X(WindowOutsideTrial, "E0714", "a time window or perturbation lies outside the trial")         \
    X(AnalysisDefinedLater, "E0715", "an analysis reads one defined further down")                 \
    X(UnknownQuantity, "E0716", "collected results have no number of this name")                   \
    X(BadTimePoint, "E0717", "a time point is not PERIOD.start/middle/end[+-N] or a step")         \
    X(UnknownLabel, "E0718", "the task's trials carry no label of this name")                      \
    X(FigureFilesShared, "E0719", "two figures would write one script or data file")               \
    X(UnknownMetric, "E0720", "the task has no metric of this name")                               \
    X(LegendCount, "E0728", "a legend names more or fewer series than the figure draws")           \
    X(FigureSize, "E0729", "a figure's size is not [width, height]")                               \
    X(UnknownHistoryColumn, "E0730", "a history's metric is no column the training records")       \
    X(RangeNotWhole, "E0801", "a sweep range needs whole-number bounds")                           \
    X(EmptyRange, "E0802", "a sweep range or list is empty")                                       \
    X(SweepTooLarge, "E0803", "a sweep has more than 100000 instances")                            \
    X(LoopVariableShadows, "E0804", "a loop variable has the name of a definition")                \
    X(LoopVariableTwice, "E0805", "a loop variable is bound twice")                                \
    X(UnindexedInSweep, "E0806", "a definition in a sweep needs an index such as fit[s]")          \
    X(SweepFamilyReference, "E0807", "a sweep family is used where one instance is needed")        \
    X(IndexNotLoopVariable, "E0808", "a definition's index must be loop variables")                \
    X(IndexControlCharacter, "E0809", "an index value holds a control character (a newline, ...)") \
    X(LoopVariableAsResults, "E0810", "a loop variable is given where results are (use curve)")    \
    X(NotALoopVariable, "E0811", "over or mean_over names no loop variable of the results' sweep") \
    X(ParadigmMissing, "E1001", "a paradigm needs its periods, inputs and target")                 \
    X(UnknownTrialName, "E1002", "a name in a paradigm is no variable, period or function of it")  \
    X(DrawnBelow, "E1003", "a variable is used above the line that draws it")                      \
    X(TrialUnits, "E1004", "a paradigm expression mixes a duration with a plain number")           \
    X(TrialWidths, "E1005", "two values of a paradigm expression have different widths")           \
    X(TrialCall, "E1006", "a paradigm function is called with the wrong arguments or place")       \
    X(TrialBounds, "E1007", "a duration, class or noise cannot be bounded as it must be")          \
    X(NoiseForm, "E1008", "noise(sd) is added at the end of an input or of a during arm")          \
    X(VariantAdds, "E1009", "a variant of a paradigm adds a variable, period or input")            \
    X(ClassTarget, "E1010", "a class target is not a whole number from 0")                         \
    X(OverrideUnknown, "E0901", "an override (--set, --config) names no definition")               \
    X(OverrideMalformed, "E0902", "an override is not PATH=VALUE or cannot set that path")         \
    X(ArrayTaskFile, "E1020", "an arrays task's file is not a usable .npy array")                  \
    X(ArrayTaskShape, "E1021", "an arrays task's arrays or labels disagree on trials or steps")    \
    X(ArrayTaskLabels, "E1022", "an arrays task's labels file is not a CSV of numbers")            \
    X(ArrayTaskSplit, "E1023", "an arrays task's split leaves no training or no held-out trial")   \
    X(ArrayTaskClasses, "E1024", "an arrays task's class targets are not whole numbers from -1")   \
    X(UnusedDefinition, "W0201", "a task or network is defined but never used")                    \
    X(UnusedLoopVariable, "W0801", "a loop variable is not used in the sweep's body")

enum class Code {
#define RNN_ENUM(name, id, summary) name,
    RNN_DIAGNOSTIC_CODES(RNN_ENUM)
#undef RNN_ENUM
};

struct CodeInfo {
    Code code;
    std::string_view id;       // "E0202"
    std::string_view summary;  // one line
};

const std::vector<CodeInfo>& all_codes();
const CodeInfo& code_info(Code code);
std::optional<Code> code_from_id(std::string_view id);

}  // namespace rnn::interp
