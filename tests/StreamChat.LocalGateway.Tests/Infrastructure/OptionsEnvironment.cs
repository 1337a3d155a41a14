using System.Collections;
using System.Globalization;
using System.Reflection;
using StreamChat.Core;

namespace StreamChat.LocalGateway.Tests.Infrastructure;

/// <summary>
/// What a test's <c>Action&lt;StreamChatOptions&gt;</c> changed, as the environment variables that configure the same
/// options in a Lambda sandbox (<c>StreamChat__RateLimits__Enabled=false</c>): the options are configured on a fresh
/// instance and compared, property by property, with the defaults.
/// </summary>
internal static class OptionsEnvironment
{
    public static Dictionary<string, string> Of(Action<StreamChatOptions>? configure)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (configure is not null)
        {
            var configured = new StreamChatOptions();
            configure(configured);
            Compare(new StreamChatOptions(), configured, "StreamChat", variables);
        }

        return variables;
    }

    private static void Compare(object defaults, object configured, string prefix, Dictionary<string, string> variables)
    {
        foreach (var property in configured.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var name = prefix + "__" + property.Name;
            var before = property.GetValue(defaults);
            var after = property.GetValue(configured);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (typeof(Delegate).IsAssignableFrom(type))
            {
                continue;
            }

            if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal) || type == typeof(Uri))
            {
                if (!Equals(before, after))
                {
                    variables[name] = after switch
                    {
                        null => string.Empty,
                        bool b => b ? "true" : "false",
                        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        _ => after.ToString()!,
                    };
                }
            }
            else if (after is IEnumerable sequence && before is IEnumerable original)
            {
                if (!sequence.Cast<object?>().SequenceEqual(original.Cast<object?>()))
                {
                    throw new NotSupportedException($"{name}: a changed list cannot be passed through the environment over its defaults.");
                }
            }
            else if (after is not null && before is not null && !type.IsValueType)
            {
                Compare(before, after, name, variables);
            }
        }
    }
}
