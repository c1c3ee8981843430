package dev.mobilize.cli;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;

/** Lets the Gogo shell print the {@link Report}s that Mobilize commands return. */
@Component(service = Converter.class, property = "osgi.converter.classes=dev.mobilize.cli.Report")
public class ReportConverter implements Converter {

  @Override
  public Object convert(Class<?> desiredType, Object in) {
    return null;
  }

  @Override
  public CharSequence format(Object target, int level, Converter escape) {
    return target instanceof Report r ? r.toText() : null;
  }
}
