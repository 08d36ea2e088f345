using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>One of pen's modes for choosing a new client's initial server.</summary>
internal interface IInitialPick
{
    /// <summary>A regular server index, or <see cref="ServerIndex.None"/>.</summary>
    int Pick(ServerState[] servers, in PickRequest request);
}
