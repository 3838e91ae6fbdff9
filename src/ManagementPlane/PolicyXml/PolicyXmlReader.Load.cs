using System.Xml;
using System.Xml.Linq;

namespace ManagementPlane.PolicyXml;

/// <summary>Reading the text as XML, safely: length checked first, DTDs prohibited, no resolver, comments and processing instructions skipped.</summary>
internal sealed partial class PolicyXmlReader
{
    private XElement? Load(string xml, long maxCharacters)
    {
        if (xml.Length > maxCharacters)
        {
            // Refused before parsing, where the limit falls (the reader's own limit trips at a buffer boundary, without a position).
            Refuse(xml, (int)maxCharacters, $"the document is longer than {maxCharacters} characters");
            return null;
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 1024,
            IgnoreProcessingInstructions = true,
            IgnoreComments = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo).Root;
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            // Refused without a position of its own: the declaration is the place.
            Refuse(xml, Math.Max(0, xml.IndexOf("<!DOCTYPE", StringComparison.Ordinal)), "DTDs (and so entity declarations) are not accepted in a policy document");
            return null;
        }
        catch (XmlException e)
        {
            errors.Add(new XmlRefusal("", "not well-formed XML: " + e.Message, e.LineNumber, raw?.Original(e.LineNumber, e.LinePosition) ?? e.LinePosition));
            return null;
        }
    }

    /// <summary>A refusal at a character index of the text parsed.</summary>
    private void Refuse(string xml, int index, string message)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < xml.Length; i++)
        {
            if (xml[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var column = index - lineStart + 1;
        errors.Add(new XmlRefusal("", message, line, raw?.Original(line, column) ?? column));
    }
}
