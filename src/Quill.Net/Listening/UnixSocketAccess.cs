namespace Quill.Net.Listening;

/// <summary>The mode a unix socket file gets, and its owner (null: the creator's).</summary>
internal readonly record struct UnixSocketAccess(uint Mode, (uint User, uint Group)? Owner);
