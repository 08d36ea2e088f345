namespace Quill.Core.Control;

/// <summary>Runs one command; <paramref name="words"/> starts with the command word (for "no X" forms: "no", "X").</summary>
internal delegate ControlReply CommandHandler(PenctlDispatcher dispatcher, string[] words);
